/// One mode's median wall time in two reports, the relative change and the verdict.
public struct ModeChange: Sendable, Equatable {
    /// The mode's name.
    public var mode: String
    /// The baseline's median wall time, in seconds.
    public var baselineMedian: Double
    /// The current report's median wall time, in seconds.
    public var currentMedian: Double
    /// `current ÷ baseline − 1`: −0.10 is 10 % faster.
    public var relativeChange: Double
    /// A bootstrap confidence interval of the relative change (the ratio of the two medians, each sample resampled,
    /// minus 1); `nil` when a median is not positive.
    public var ci95: ConfidenceInterval?
    /// Faster, slower or no change.
    public var verdict: ComparisonVerdict

    /// Creates a change.
    public init(
        mode: String,
        baselineMedian: Double,
        currentMedian: Double,
        relativeChange: Double,
        ci95: ConfidenceInterval?,
        verdict: ComparisonVerdict
    ) {
        self.mode = mode
        self.baselineMedian = baselineMedian
        self.currentMedian = currentMedian
        self.relativeChange = relativeChange
        self.ci95 = ci95
        self.verdict = verdict
    }
}
