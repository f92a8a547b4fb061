/// The arithmetic of a benchmark: medians, ranges, speedup, efficiency and the Karp–Flatt serial fraction.
///
/// Every function is pure, so the figures a report prints can be checked against values worked out by hand.
public enum BenchStatistics {
    /// The middle value of `values` (the mean of the two middle ones for an even count).
    /// - Parameter values: Measurements in any order.
    /// - Returns: The median, or `nil` for no values.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// How many times faster a run was than the baseline.
    /// - Parameters:
    ///   - baseline: Seconds the baseline (one thread) took.
    ///   - parallel: Seconds the run took.
    /// - Returns: `baseline ÷ parallel`, or `nil` when `parallel` is not positive.
    public static func speedup(baseline: Double, parallel: Double) -> Double? {
        guard parallel > 0, baseline >= 0 else { return nil }
        return baseline / parallel
    }

    /// The share of the cores' time that did useful work.
    /// - Parameters:
    ///   - speedup: Speedup over one core.
    ///   - cores: Cores the run used.
    /// - Returns: `speedup ÷ cores`, or `nil` for no cores.
    public static func efficiency(speedup: Double, cores: Int) -> Double? {
        guard cores > 0 else { return nil }
        return speedup / Double(cores)
    }

    /// The Karp–Flatt metric: the serial fraction `e` that explains the measured speedup `S` on `p` processors,
    /// `e = (1/S − 1/p) / (1 − 1/p)`. Rising with `p`, it points at overhead; constant, at a true serial part.
    /// - Parameters:
    ///   - speedup: The measured speedup.
    ///   - processors: Processors (cores) used; must be at least 2.
    /// - Returns: The serial fraction, or `nil` for fewer than 2 processors or a non-positive speedup.
    public static func karpFlatt(speedup: Double, processors: Int) -> Double? {
        guard processors >= 2, speedup > 0 else { return nil }
        let p = Double(processors)
        return (1 / speedup - 1 / p) / (1 - 1 / p)
    }

    /// The arithmetic mean.
    /// - Parameter values: Measurements.
    /// - Returns: The mean, or `nil` for no values.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation (divided by `n − 1`).
    /// - Parameter values: Measurements.
    /// - Returns: The standard deviation, or `nil` for fewer than 2 values.
    public static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count >= 2, let mean = Self.mean(values) else { return nil }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// The coefficient of variation: standard deviation ÷ mean, the spread as a share of the value.
    /// - Parameter values: Measurements.
    /// - Returns: The ratio, or `nil` for fewer than 2 values or a mean that is not positive.
    public static func coefficientOfVariation(_ values: [Double]) -> Double? {
        guard let deviation = Self.standardDeviation(values), let mean = Self.mean(values), mean > 0 else {
            return nil
        }
        return deviation / mean
    }

    /// The fewest measurements for which an interval of the median can reach `confidence` at all: without any
    /// assumption on the distribution, the true median lies between the smallest and the largest of `n`
    /// measurements with probability `1 − 2 · 0.5ⁿ`, and no interval inside that range does better. For 95 % that
    /// is 6 (5 measurements give 93.75 %).
    /// - Parameter confidence: Between 0 and 1.
    /// - Returns: The smallest such `n`, at least 1.
    public static func minimumRuns(forConfidence confidence: Double) -> Int {
        var runs = 1
        var miss = 1.0  // 2 · 0.5ⁿ
        while 1 - miss < confidence && runs < 64 {
            runs += 1
            miss /= 2
        }
        return runs
    }
}
