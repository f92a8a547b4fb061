/// A range that holds the true value of a statistic with a stated confidence (95 % in reports).
public struct ConfidenceInterval: Codable, Sendable, Equatable {
    /// The lower bound.
    public var low: Double
    /// The upper bound.
    public var high: Double

    /// Creates an interval.
    /// - Parameters:
    ///   - low: The lower bound.
    ///   - high: The upper bound, at least `low`.
    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    /// `high − low`.
    public var width: Double { self.high - self.low }

    /// Whether `value` lies in the interval, bounds included.
    /// - Parameter value: The value.
    /// - Returns: `low ≤ value ≤ high`.
    public func contains(_ value: Double) -> Bool { self.low <= value && value <= self.high }

    /// The interval with both bounds multiplied by `factor` (bounds swapped for a negative factor).
    /// - Parameter factor: The factor.
    /// - Returns: The scaled interval.
    public func scaled(by factor: Double) -> ConfidenceInterval {
        let a = self.low * factor
        let b = self.high * factor
        return ConfidenceInterval(low: min(a, b), high: max(a, b))
    }

    /// The interval moved by `offset`.
    /// - Parameter offset: Added to both bounds.
    /// - Returns: The shifted interval.
    public func shifted(by offset: Double) -> ConfidenceInterval {
        ConfidenceInterval(low: self.low + offset, high: self.high + offset)
    }
}
