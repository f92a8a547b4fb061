/// Returns its input: a task with no work, for measuring Fanout's own per-task overhead.
public enum Noop: Job {
    public static let name = "noop"

    public static func run(_ input: UInt64) throws -> UInt64 { input }
}
