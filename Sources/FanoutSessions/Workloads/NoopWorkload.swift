import FanoutJobs

/// Tasks that return their input: measures Fanout's own overhead per task (tasks per second).
public struct NoopWorkload: Workload {
    public typealias J = Noop

    public static let name = "noop"

    /// Number of tasks.
    public var tasks: Int

    /// Describes a run.
    /// - Parameter tasks: Number of tasks; task `i` sends `i` and expects it back.
    public init(tasks: Int = 100_000) {
        self.tasks = tasks
    }

    public func validate() throws(SessionError) {
        try WorkloadLimits.check(self.tasks, "--tasks", in: WorkloadLimits.tasks)
    }

    public var taskCount: Int { self.tasks }

    public var parameters: String { "--tasks \(self.tasks)" }
    public func input(at index: Int) -> UInt64 { UInt64(index) }
    public func describe(_ output: UInt64) -> String { "\(output)" }
    public func makeAccumulator() -> any WorkloadAccumulator<UInt64> { Echo() }

    /// Every task must echo its own index: a wrong routing of results would show here.
    private struct Echo: WorkloadAccumulator {
        var wrong = 0
        var count = 0
        mutating func add(index: Int, output: UInt64) {
            self.count += 1
            if output != UInt64(index) { self.wrong += 1 }
        }
        func summary() -> [String] {
            ["outputs equal to their task index: \(self.count - self.wrong) of \(self.count)"]
        }
    }
}
