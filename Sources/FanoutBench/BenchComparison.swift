/// A current report against a baseline: per mode, faster, slower or no change, with the relative change of the
/// median wall time and its confidence interval.
///
/// Criterion-style, noise is never called a change: a mode is faster or slower only when the confidence interval of
/// the change excludes 0 *and* the change is larger than the noise threshold. Reports of different kernels,
/// kernel options, task counts or cluster files are refused, not compared.
public struct BenchComparison: Sendable, Equatable {
    /// Changes of the median within ±5 % are noise: criterion's default `noise_threshold`, and below the minute-to-
    /// minute drift of a shared 2-vCPU machine.
    public static let defaultNoiseThreshold = 0.05

    /// One entry per mode in both reports, in the current report's order.
    public var modes: [ModeChange]
    /// Modes only the baseline measured.
    public var onlyInBaseline: [String]
    /// Modes only the current report measured.
    public var onlyInCurrent: [String]
    /// The noise threshold used, as a fraction.
    public var noiseThreshold: Double
    /// The confidence of the intervals.
    public var confidence: Double

    /// Compares two reports.
    /// - Parameters:
    ///   - baseline: The older report (e.g. decoded from `OLD/report.json` with ``JSONReport/decode(_:)``).
    ///   - current: The new one.
    ///   - noiseThreshold: Relative changes at most this large are "no change".
    ///   - confidence: Confidence of the change's interval.
    ///   - resamples: Bootstrap resamples.
    ///   - seed: The bootstrap generator's seed.
    /// - Throws: ``ComparisonRefusal`` naming what differs when the reports measured different workloads or
    ///   cluster files.
    public init(
        baseline: BenchReport,
        current: BenchReport,
        noiseThreshold: Double = defaultNoiseThreshold,
        confidence: Double = Bootstrap.defaultConfidence,
        resamples: Int = Bootstrap.defaultResamples,
        seed: UInt64 = Bootstrap.defaultSeed
    ) throws(ComparisonRefusal) {
        let differences = Self.differences(baseline: baseline, current: current)
        guard differences.isEmpty else { throw ComparisonRefusal(differences: differences) }
        self.noiseThreshold = noiseThreshold
        self.confidence = confidence
        var changes: [ModeChange] = []
        for mode in current.modes {
            guard let old = baseline.modes.first(where: { $0.mode == mode.mode }) else { continue }
            changes.append(
                Self.change(
                    mode: mode.mode,
                    baseline: old.wall,
                    current: mode.wall,
                    noiseThreshold: noiseThreshold,
                    confidence: confidence,
                    resamples: resamples,
                    seed: seed
                )
            )
        }
        self.modes = changes
        self.onlyInBaseline = baseline.modes.map(\.mode).filter { name in !current.modes.contains { $0.mode == name } }
        self.onlyInCurrent = current.modes.map(\.mode).filter { name in !baseline.modes.contains { $0.mode == name } }
    }

    /// The fields of two reports that must be equal for their timings to be comparable.
    /// - Parameters:
    ///   - baseline: The older report.
    ///   - current: The new one.
    /// - Returns: What differs; empty when they are comparable.
    public static func differences(baseline: BenchReport, current: BenchReport) -> [ComparisonRefusal.Difference] {
        var differences: [ComparisonRefusal.Difference] = []
        func check(_ field: String, _ old: String, _ new: String) {
            if old != new { differences.append(.init(field: field, baseline: old, current: new)) }
        }
        check("kernel", baseline.workload.job, current.workload.job)
        check("kernel options", baseline.workload.parameters, current.workload.parameters)
        check("tasks", "\(baseline.workload.tasks)", "\(current.workload.tasks)")
        // The file's content decides, not where it lies: the same file moved compares, an edited one does not.
        let oldConfig = baseline.provenance.configSHA256.map { "\(baseline.provenance.configPath ?? "?") \($0)" }
        let newConfig = current.provenance.configSHA256.map { "\(current.provenance.configPath ?? "?") \($0)" }
        if baseline.provenance.configSHA256 != current.provenance.configSHA256 {
            differences.append(
                .init(field: "cluster file", baseline: oldConfig ?? "none", current: newConfig ?? "none")
            )
        }
        return differences
    }

    /// The verdict for one relative change and its interval.
    /// - Parameters:
    ///   - relativeChange: `current ÷ baseline − 1`.
    ///   - interval: Its confidence interval, if known; without one only the threshold decides.
    ///   - noiseThreshold: Changes at most this large are noise.
    /// - Returns: Faster, slower or no change.
    public static func verdict(
        relativeChange: Double,
        interval: ConfidenceInterval?,
        noiseThreshold: Double
    ) -> ComparisonVerdict {
        guard abs(relativeChange) > noiseThreshold else { return .noChange }
        if let interval, interval.contains(0) { return .noChange }
        return relativeChange < 0 ? .faster : .slower
    }

    private static func change(
        mode: String,
        baseline: TimingSummary,
        current: TimingSummary,
        noiseThreshold: Double,
        confidence: Double,
        resamples: Int,
        seed: UInt64
    ) -> ModeChange {
        let relative = baseline.median > 0 ? current.median / baseline.median - 1 : 0
        let interval = Bootstrap.ratioOfMediansInterval(
            numerator: current.samples,
            denominator: baseline.samples,
            confidence: confidence,
            resamples: resamples,
            seed: seed
        )?
        .shifted(by: -1)
        return ModeChange(
            mode: mode,
            baselineMedian: baseline.median,
            currentMedian: current.median,
            relativeChange: relative,
            ci95: interval,
            verdict: baseline.median > 0
                ? Self.verdict(relativeChange: relative, interval: interval, noiseThreshold: noiseThreshold)
                : .noChange
        )
    }
}
