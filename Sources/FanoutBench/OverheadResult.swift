/// Per-task overhead measured in one setting (local workers, lab hosts, lab hosts with injected delay).
public struct OverheadResult: Codable, Sendable, Equatable {
    /// The setting, e.g. `local (2 workers)` or `lab 3 hosts +10 ms`.
    public var setting: String
    /// Task slots used.
    public var cores: Int
    /// No-op tasks run per measurement.
    public var noopTasks: Int
    /// No-op tasks per second, from every worker joined to the last result (median and range).
    public var noopTasksPerSecond: TimingSummary
    /// Round-trip latency of one task at a time on a running cluster, in seconds.
    public var latency: LatencyPercentiles?
    /// Efficiency of many ~1 ms CPU tasks: (their sequential time ÷ cores) ÷ wall time after launch.
    public var efficiencyOneMillisecond: Double?
    /// From starting the cluster to the first result, in seconds (workers launched for this run).
    public var firstResultCold: Double?
    /// From submitting one task to a running cluster to its result, in seconds.
    public var firstResultWarm: Double?

    /// Creates a result.
    public init(
        setting: String,
        cores: Int,
        noopTasks: Int,
        noopTasksPerSecond: TimingSummary,
        latency: LatencyPercentiles? = nil,
        efficiencyOneMillisecond: Double? = nil,
        firstResultCold: Double? = nil,
        firstResultWarm: Double? = nil
    ) {
        self.setting = setting
        self.cores = cores
        self.noopTasks = noopTasks
        self.noopTasksPerSecond = noopTasksPerSecond
        self.latency = latency
        self.efficiencyOneMillisecond = efficiencyOneMillisecond
        self.firstResultCold = firstResultCold
        self.firstResultWarm = firstResultWarm
    }
}
