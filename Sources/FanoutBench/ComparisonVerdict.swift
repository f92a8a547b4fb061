/// How a mode's median wall time moved from the baseline report to the current one.
public enum ComparisonVerdict: String, Codable, Sendable, Equatable {
    /// Faster beyond the noise threshold, and the whole confidence interval of the change is below 0.
    case faster
    /// Slower beyond the noise threshold, and the whole confidence interval of the change is above 0.
    case slower
    /// The interval of the change includes 0, or the change is within the noise threshold.
    case noChange = "no change"
}
