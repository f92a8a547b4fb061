/// Every built-in workload, in the order `fanout run --help` lists them.
///
/// Adding a kernel: its ``FanoutJobs/Job`` (and its entry in `JobRegistry.builtin`), its workload here, and its
/// options on the command line.
public enum WorkloadCatalog {
    /// The workload types.
    public static let all: [any Workload.Type] = [
        SumSquaresWorkload.self, PrimesWorkload.self, MandelbrotWorkload.self, PiWorkload.self, SleepWorkload.self,
        NoopWorkload.self,
    ]

    /// The names, as subcommands spell them.
    public static var names: [String] { Self.all.map { $0.name } }

    /// The workload type called `name`.
    /// - Parameter name: A subcommand name such as `sum-squares`.
    /// - Returns: The type, or `nil` for a name the catalog does not hold.
    public static func workload(named name: String) -> (any Workload.Type)? {
        Self.all.first { $0.name == name }
    }
}
