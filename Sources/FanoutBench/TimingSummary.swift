/// Repeated measurements of one quantity, in seconds, with their median, range, the median's 95 % confidence
/// interval and the outlier count.
public struct TimingSummary: Codable, Sendable, Equatable {
    /// Every measurement, in the order taken (outliers included).
    public var samples: [Double]
    /// The median.
    public var median: Double
    /// The smallest measurement.
    public var minimum: Double
    /// The largest measurement.
    public var maximum: Double
    /// A 95 % percentile-bootstrap confidence interval of the median (``Bootstrap``); `nil` in reports written
    /// before it existed.
    public var ci95: ConfidenceInterval?
    /// Measurements ``OutlierDetection`` flags at its default threshold; `nil` in reports written before it existed.
    public var outliers: Int?

    /// Summarizes measurements: median, range, the median's confidence interval and the outliers.
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
        self.ci95 = Bootstrap.medianInterval(of: samples)
        self.outliers = OutlierDetection.outlierIndices(in: samples).count
    }

    /// The positions of the outlying measurements in ``samples``, at `threshold`.
    /// - Parameter threshold: Robust z-score above which a measurement is an outlier.
    /// - Returns: Indices, ascending.
    public func outlierIndices(threshold: Double = OutlierDetection.hyperfineThreshold) -> [Int] {
        OutlierDetection.outlierIndices(in: self.samples, threshold: threshold)
    }
}
