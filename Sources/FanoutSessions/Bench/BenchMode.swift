/// How a bench runs the kernel: one thread, threads in this process, local worker processes, remote hosts, or
/// local workers and remote hosts together.
public enum BenchMode: String, CaseIterable, Sendable {
    case sequential, threads, local, remote, all

    /// Whether the mode needs the cluster file's hosts.
    var needsHosts: Bool { self == .remote || self == .all }

    /// The modes named in `lists`, in order and without repeats.
    /// - Parameter lists: Mode names, each element possibly a comma-separated list (`sequential,threads`).
    /// - Returns: The modes, first mention first.
    /// - Throws: ``BenchError`` with code ``BenchError/Code/invalidRequest`` for a name that is not a mode.
    public static func parse(_ lists: [String]) throws(BenchError) -> [BenchMode] {
        var result: [BenchMode] = []
        for name in lists.flatMap({ $0.split(separator: ",") }) {
            guard let mode = BenchMode(rawValue: String(name)) else {
                throw BenchError(
                    .invalidRequest,
                    "unknown mode '\(name)'; modes are \(Self.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            if !result.contains(mode) { result.append(mode) }
        }
        return result
    }
}
