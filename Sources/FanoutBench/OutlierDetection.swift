/// Outliers by the median and the median absolute deviation (MAD), as hyperfine finds them (Iglewicz and Hoaglin's
/// modified z-score): a measurement is an outlier when `|x − median| ÷ (1.4826 · MAD)` exceeds a threshold.
///
/// The median and the MAD barely move when a few measurements are wild, unlike the mean and the standard deviation
/// that a single stalled run drags along. Outliers are counted and flagged; they stay in the data and in every
/// statistic, because on a shared machine a stall is part of what a user experiences.
public enum OutlierDetection {
    /// hyperfine's threshold: 10 standard deviations (its `OUTLIER_THRESHOLD` is `1.4826 · 10` in units of MADs).
    /// Strict on purpose: ordinary noise of a shared machine is the coefficient-of-variation warning's business;
    /// this one is for runs something clearly disturbed.
    public static let hyperfineThreshold = 10.0
    /// Iglewicz and Hoaglin's own suggestion, 3.5: flags far more on a noisy machine.
    public static let iglewiczHoaglinThreshold = 3.5
    /// `1 ÷ Φ⁻¹(3/4)`: makes the MAD of normally distributed data estimate its standard deviation.
    public static let madToStandardDeviation = 1.4826
    /// `√(π/2)`: makes the mean absolute deviation of normal data estimate its standard deviation. Used when the
    /// MAD is 0 (more than half the measurements equal), where the MAD alone would make every other value an
    /// infinitely far outlier.
    public static let meanAbsoluteDeviationToStandardDeviation = 1.253_314

    /// How many standard deviations (estimated robustly) each measurement lies from the median.
    /// - Parameter samples: The measurements.
    /// - Returns: One score per measurement, in order; all 0 when every measurement is equal.
    public static func scores(_ samples: [Double]) -> [Double] {
        guard let median = BenchStatistics.median(samples) else { return [] }
        let deviations = samples.map { abs($0 - median) }
        var scale = (BenchStatistics.median(deviations) ?? 0) * Self.madToStandardDeviation
        if scale == 0 {
            let meanDeviation = deviations.reduce(0, +) / Double(deviations.count)
            scale = meanDeviation * Self.meanAbsoluteDeviationToStandardDeviation
        }
        guard scale > 0 else { return samples.map { _ in 0 } }
        return deviations.map { $0 / scale }
    }

    /// The positions of the outliers.
    /// - Parameters:
    ///   - samples: The measurements.
    ///   - threshold: Scores above it are outliers.
    /// - Returns: Indices into `samples`, ascending.
    public static func outlierIndices(in samples: [Double], threshold: Double = hyperfineThreshold) -> [Int] {
        Self.scores(samples).enumerated().filter { $0.element > threshold }.map(\.offset)
    }
}
