/// Everything one `fanout bench` run measured, with where and how it was measured. Encoded as report.json; the
/// Markdown and CSV reports are made from it.
public struct BenchReport: Codable, Sendable, Equatable {
    /// Where, when and with what the figures were taken.
    public var provenance: Provenance
    /// The kernel and the total work every mode ran.
    public var workload: WorkloadDescription
    /// Warm-up runs before the measured ones, per mode.
    public var warmups: Int
    /// Measured runs per mode.
    public var repeats: Int
    /// The median time of the sequential mode, the baseline every speedup is over, in seconds.
    public var sequentialSeconds: Double?
    /// One entry per mode that ran.
    public var modes: [ModeResult]
    /// Modes that were asked for and could not run, with the reason.
    public var skipped: [SkippedMode]
    /// The concurrency-versus-parallelism experiments (empty unless asked for).
    public var lessons: [LessonRow]
    /// The scaling sweep (empty unless asked for).
    public var sweep: [SweepPoint]
    /// Overhead microbenchmarks (empty unless asked for).
    public var overhead: [OverheadResult]

    /// Creates a report.
    public init(
        provenance: Provenance,
        workload: WorkloadDescription,
        warmups: Int,
        repeats: Int,
        sequentialSeconds: Double? = nil,
        modes: [ModeResult] = [],
        skipped: [SkippedMode] = [],
        lessons: [LessonRow] = [],
        sweep: [SweepPoint] = [],
        overhead: [OverheadResult] = []
    ) {
        self.provenance = provenance
        self.workload = workload
        self.warmups = warmups
        self.repeats = repeats
        self.sequentialSeconds = sequentialSeconds
        self.modes = modes
        self.skipped = skipped
        self.lessons = lessons
        self.sweep = sweep
        self.overhead = overhead
    }
}
