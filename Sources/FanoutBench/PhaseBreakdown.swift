/// Where a run's wall time went, in seconds (medians over the measured runs).
public struct PhaseBreakdown: Codable, Sendable, Equatable {
    /// Starting workers: processes, SSH sessions, checks and worker uploads, up to every worker joined.
    public var launch: Double
    /// Computing: the jobs' busy time ÷ the slots that ran them (what perfect scheduling would take).
    public var compute: Double
    /// The rest of the time to the last result: handing out tasks, moving inputs and results, idle slots at the end.
    public var schedulingAndTransfer: Double
    /// From the last result to every worker stopped.
    public var shutdown: Double

    /// Creates a breakdown.
    public init(launch: Double, compute: Double, schedulingAndTransfer: Double, shutdown: Double = 0) {
        self.launch = launch
        self.compute = compute
        self.schedulingAndTransfer = schedulingAndTransfer
        self.shutdown = shutdown
    }

    /// Splits one run: `launch`, then the time to the last result into compute and the remainder, then shutdown.
    /// - Parameters:
    ///   - wall: The run's wall time, workers stopped.
    ///   - lastResult: Time from the start to the last result.
    ///   - launch: Time until every worker had joined.
    ///   - busy: The jobs' summed busy time over every slot.
    ///   - slots: Task slots that ran at once.
    /// - Returns: The breakdown; no part is negative.
    public static func split(
        wall: Double,
        lastResult: Double,
        launch: Double,
        busy: Double,
        slots: Int
    )
        -> PhaseBreakdown
    {
        let compute = slots > 0 ? busy / Double(slots) : 0
        let rest = max(0, lastResult - launch - compute)
        return PhaseBreakdown(
            launch: launch,
            compute: compute,
            schedulingAndTransfer: rest,
            shutdown: max(0, wall - lastResult)
        )
    }

    /// The median of each part over several runs.
    /// - Parameter runs: Breakdowns of single runs.
    /// - Returns: `nil` for no runs.
    public static func median(of runs: [PhaseBreakdown]) -> PhaseBreakdown? {
        guard let launch = BenchStatistics.median(runs.map(\.launch)),
            let compute = BenchStatistics.median(runs.map(\.compute)),
            let rest = BenchStatistics.median(runs.map(\.schedulingAndTransfer)),
            let shutdown = BenchStatistics.median(runs.map(\.shutdown))
        else { return nil }
        return PhaseBreakdown(launch: launch, compute: compute, schedulingAndTransfer: rest, shutdown: shutdown)
    }
}
