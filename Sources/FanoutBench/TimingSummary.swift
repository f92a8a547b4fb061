/// Repeated measurements of one quantity, in seconds, with their median and range.
public struct TimingSummary: Codable, Sendable, Equatable {
    /// Every measurement, in the order taken.
    public var samples: [Double]
    /// The median.
    public var median: Double
    /// The smallest measurement.
    public var minimum: Double
    /// The largest measurement.
    public var maximum: Double

    /// Summarizes measurements.
    /// - Parameter samples: At least one measurement, in seconds.
    /// - Returns: `nil` for no measurements.
    public init?(samples: [Double]) {
        guard let median = BenchStatistics.median(samples), let minimum = samples.min(),
            let maximum = samples.max()
        else { return nil }
        self.samples = samples
        self.median = median
        self.minimum = minimum
        self.maximum = maximum
    }
}
