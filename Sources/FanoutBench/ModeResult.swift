/// The figures of one mode (`sequential`, `threads`, `local`, `remote`, `all`) over its measured runs.
public struct ModeResult: Codable, Sendable, Equatable {
    /// The mode's name.
    public var mode: String
    /// Cores (task slots) the mode ran tasks on at once.
    public var coresUsed: Int
    /// Worker processes (threads for `threads`, 1 for `sequential`).
    public var workers: Int
    /// Wall time of each run: from the start of the mode (launching workers included) to the last result.
    public var wall: TimingSummary
    /// Median speedup over the sequential median.
    public var speedup: Double?
    /// Speedup ÷ cores used.
    public var efficiency: Double?
    /// A 95 % bootstrap confidence interval of the speedup (the ratio of the two medians, each sample resampled);
    /// `nil` without the sequential samples, and in reports written before it existed.
    public var speedupCI95: ConfidenceInterval?
    /// The speedup's interval ÷ cores used.
    public var efficiencyCI95: ConfidenceInterval?
    /// The Karp–Flatt serial fraction for `coresUsed` processors.
    public var karpFlatt: Double?
    /// Where the time went (median of each part), for modes with workers.
    public var phases: PhaseBreakdown?
    /// Per-host share of tasks, busy time and per-core speed, for modes with workers.
    public var hosts: [HostShare]

    /// Creates a result and works out speedup, efficiency and the Karp–Flatt fraction from `sequentialSeconds`, and
    /// the speedup's and efficiency's confidence intervals from `sequentialSamples`.
    /// - Parameters:
    ///   - mode: The mode's name.
    ///   - coresUsed: Task slots in use at once.
    ///   - workers: Worker processes or threads.
    ///   - wall: Wall times.
    ///   - sequentialSeconds: The sequential median, if it was measured.
    ///   - sequentialSamples: The sequential mode's measurements, for the intervals. Leave empty for the
    ///     sequential mode itself: its speedup is 1 by definition, not a ratio of two samples.
    ///   - phases: Where the time went.
    ///   - hosts: Per-host figures.
    public init(
        mode: String,
        coresUsed: Int,
        workers: Int,
        wall: TimingSummary,
        sequentialSeconds: Double?,
        sequentialSamples: [Double] = [],
        phases: PhaseBreakdown? = nil,
        hosts: [HostShare] = []
    ) {
        self.mode = mode
        self.coresUsed = coresUsed
        self.workers = workers
        self.wall = wall
        self.phases = phases
        self.hosts = hosts
        let speedup = sequentialSeconds.flatMap { BenchStatistics.speedup(baseline: $0, parallel: wall.median) }
        self.speedup = speedup
        self.efficiency = speedup.flatMap { BenchStatistics.efficiency(speedup: $0, cores: coresUsed) }
        self.karpFlatt = speedup.flatMap { BenchStatistics.karpFlatt(speedup: $0, processors: coresUsed) }
        let interval =
            sequentialSamples.isEmpty
            ? nil : Bootstrap.ratioOfMediansInterval(numerator: sequentialSamples, denominator: wall.samples)
        self.speedupCI95 = interval
        self.efficiencyCI95 = coresUsed > 0 ? interval?.scaled(by: 1 / Double(coresUsed)) : nil
    }
}
