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
    /// What a reader must know before trusting the figures (``BenchWarning/warnings(for:readings:thresholds:)``);
    /// empty in reports written before warnings existed.
    public var warnings: [BenchWarning]

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
        overhead: [OverheadResult] = [],
        warnings: [BenchWarning] = []
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
        self.warnings = warnings
    }
}

// In this file because the synthesized `CodingKeys` are private to it.
extension BenchReport {
    /// Decodes a report, also one written by an older `fanout` that had no `warnings` (its modes' missing `ci95`,
    /// `outliers` and speedup intervals decode as `nil`), so `--compare` can read yesterday's baseline.
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` when a field every version wrote is missing or mistyped.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            provenance: try container.decode(Provenance.self, forKey: .provenance),
            workload: try container.decode(WorkloadDescription.self, forKey: .workload),
            warmups: try container.decode(Int.self, forKey: .warmups),
            repeats: try container.decode(Int.self, forKey: .repeats),
            sequentialSeconds: try container.decodeIfPresent(Double.self, forKey: .sequentialSeconds),
            modes: try container.decode([ModeResult].self, forKey: .modes),
            skipped: try container.decode([SkippedMode].self, forKey: .skipped),
            lessons: try container.decode([LessonRow].self, forKey: .lessons),
            sweep: try container.decode([SweepPoint].self, forKey: .sweep),
            overhead: try container.decode([OverheadResult].self, forKey: .overhead),
            warnings: try container.decodeIfPresent([BenchWarning].self, forKey: .warnings) ?? []
        )
    }
}
