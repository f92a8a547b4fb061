/// The limits above which ``BenchWarning/warnings(for:readings:thresholds:)`` warns.
public struct WarningThresholds: Sendable, Equatable {
    /// Standard deviation ÷ mean of a mode's runs: pyperf's 10 %, the spread at which it calls a result unstable.
    public var coefficientOfVariation: Double
    /// Runnable processes other than the bench's, averaged over the runs: half a core taken from a mode that
    /// wants all of them moves its wall time by tens of per cent on a 2-core machine.
    public var backgroundLoad: Double
    /// Share of CPU time stolen by the hypervisor between the two /proc/stat readings: 2 %, beyond which stolen
    /// time is larger than the run-to-run differences a comparison looks for.
    public var stealFraction: Double
    /// The confidence the report's intervals are asked for; too few runs for it is a warning.
    public var confidence: Double
    /// The shortest span over which the load average says anything about the runs themselves: Linux samples it
    /// every 5 seconds, and a span of one or two samples is noise.
    public var minimumLoadSpanSeconds: Double

    /// Creates thresholds.
    public init(
        coefficientOfVariation: Double = 0.10,
        backgroundLoad: Double = 0.5,
        stealFraction: Double = 0.02,
        confidence: Double = Bootstrap.defaultConfidence,
        minimumLoadSpanSeconds: Double = 10
    ) {
        self.coefficientOfVariation = coefficientOfVariation
        self.backgroundLoad = backgroundLoad
        self.stealFraction = stealFraction
        self.confidence = confidence
        self.minimumLoadSpanSeconds = minimumLoadSpanSeconds
    }

    /// The thresholds reports use.
    public static let standard = WarningThresholds()
}
