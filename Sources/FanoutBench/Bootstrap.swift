#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Percentile-bootstrap confidence intervals for medians and ratios of medians.
///
/// Resample the measurements with replacement many times, take the statistic of each resample and read the
/// interval off the percentiles of those statistics (Efron's percentile method). It needs no assumption about the
/// shape of the distribution, which for wall times on a shared machine is skewed and often bimodal. A seeded
/// generator makes the interval a pure function of the samples.
public enum Bootstrap {
    /// Confidence of the intervals reports print.
    public static let defaultConfidence = 0.95
    /// Resamples per interval: enough that the 2.5th and 97.5th percentiles move by well under 1 % between seeds.
    public static let defaultResamples = 10_000
    /// The seed reports use, so the same samples always give the same interval.
    public static let defaultSeed: UInt64 = 0x5EED_F00D_2026_0017
    /// At most this many values are drawn for one interval, so that one interval costs at most a few tens of
    /// milliseconds in a release build: long samples get fewer resamples. A median whose sample is so long that
    /// fewer than ``minimumResamples`` would fit takes its interval from order statistics instead, which need no
    /// resampling and are as good at that size.
    public static let maximumDrawnValues = 2_000_000
    /// The fewest resamples a bootstrap interval of a median uses; below it, order statistics.
    public static let minimumResamples = 1_000
    /// The fewest resamples an interval of a ratio uses, whatever ``maximumDrawnValues`` says (two samples of
    /// 10,000 measurements or more: far beyond what a bench run takes).
    public static let minimumRatioResamples = 200

    /// A confidence interval of the median of `samples`.
    /// - Parameters:
    ///   - samples: The measurements.
    ///   - confidence: Between 0 and 1, e.g. 0.95.
    ///   - resamples: Bootstrap resamples (bounded by ``maximumDrawnValues``).
    ///   - seed: The generator's seed.
    /// - Returns: The interval, or `nil` for no samples.
    public static func medianInterval(
        of samples: [Double],
        confidence: Double = defaultConfidence,
        resamples: Int = defaultResamples,
        seed: UInt64 = defaultSeed
    ) -> ConfidenceInterval? {
        guard !samples.isEmpty else { return nil }
        let affordable = Self.maximumDrawnValues / samples.count
        guard affordable >= Self.minimumResamples || resamples <= affordable else {
            return Self.orderStatisticInterval(of: samples, confidence: confidence)
        }
        var generator = SeededGenerator(seed: seed)
        var buffer = samples
        let count = max(1, min(resamples, affordable))
        var medians: [Double] = []
        medians.reserveCapacity(count)
        for _ in 0..<count {
            medians.append(Self.resampledMedian(of: samples, into: &buffer, using: &generator))
        }
        return Self.percentileInterval(of: &medians, confidence: confidence)
    }

    /// A confidence interval of `median(numerator) ÷ median(denominator)`, each sample resampled on its own: the
    /// interval of a speedup (sequential ÷ parallel) or of a relative change (new ÷ old).
    /// - Parameters:
    ///   - numerator: Measurements whose median goes above the line.
    ///   - denominator: Measurements whose median goes below it; resamples whose median is not positive are
    ///     dropped.
    ///   - confidence: Between 0 and 1, e.g. 0.95.
    ///   - resamples: Bootstrap resamples (bounded by ``maximumDrawnValues``).
    ///   - seed: The generator's seed.
    /// - Returns: The interval, or `nil` when either sample is empty or no resample had a positive denominator.
    public static func ratioOfMediansInterval(
        numerator: [Double],
        denominator: [Double],
        confidence: Double = defaultConfidence,
        resamples: Int = defaultResamples,
        seed: UInt64 = defaultSeed
    ) -> ConfidenceInterval? {
        guard !numerator.isEmpty, !denominator.isEmpty else { return nil }
        var generator = SeededGenerator(seed: seed)
        var numeratorBuffer = numerator
        var denominatorBuffer = denominator
        let affordable = Self.maximumDrawnValues / (numerator.count + denominator.count)
        let count = max(1, min(resamples, max(Self.minimumRatioResamples, affordable)))
        var ratios: [Double] = []
        ratios.reserveCapacity(count)
        for _ in 0..<count {
            let top = Self.resampledMedian(of: numerator, into: &numeratorBuffer, using: &generator)
            let bottom = Self.resampledMedian(of: denominator, into: &denominatorBuffer, using: &generator)
            guard bottom > 0 else { continue }
            ratios.append(top / bottom)
        }
        guard !ratios.isEmpty else { return nil }
        return Self.percentileInterval(of: &ratios, confidence: confidence)
    }

    /// The distribution-free interval of a median from order statistics: the number of measurements below the true
    /// median is binomial(n, ½), so `[x₍ⱼ₎, x₍ₖ₎]` with `j, k = n/2 ∓ z·√n/2` (normal approximation, `z` the
    /// two-sided quantile of `confidence`) holds it with that confidence. Used for samples too long to resample.
    /// - Parameters:
    ///   - samples: The measurements, at least one.
    ///   - confidence: Between 0 and 1.
    /// - Returns: The interval.
    public static func orderStatisticInterval(of samples: [Double], confidence: Double) -> ConfidenceInterval {
        let sorted = samples.sorted()
        let count = Double(sorted.count)
        let halfWidth = Self.normalQuantile(0.5 + max(0, min(1, confidence)) / 2) * count.squareRoot() / 2
        let low = Int((count / 2 - halfWidth).rounded(.down))
        let high = Int((count / 2 + halfWidth).rounded(.up))
        return ConfidenceInterval(
            low: sorted[max(0, min(sorted.count - 1, low))],
            high: sorted[max(0, min(sorted.count - 1, high))]
        )
    }

    /// The standard normal quantile Φ⁻¹(p), by bisection on `erf`: exact enough, and only for long samples.
    static func normalQuantile(_ probability: Double) -> Double {
        var low = -10.0
        var high = 10.0
        for _ in 0..<80 {
            let middle = (low + high) / 2
            if 0.5 * (1 + erf(middle / 2.0.squareRoot())) < probability { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// The value below which a fraction `probability` of sorted `values` lies, interpolating linearly between
    /// neighbours (the usual "type 7" quantile).
    /// - Parameters:
    ///   - sorted: Values in ascending order, at least one.
    ///   - probability: Between 0 and 1.
    /// - Returns: The quantile.
    static func quantile(ofSorted sorted: [Double], _ probability: Double) -> Double {
        let position = max(0, min(1, probability)) * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    private static func percentileInterval(of statistics: inout [Double], confidence: Double) -> ConfidenceInterval {
        statistics.sort()
        let tail = (1 - max(0, min(1, confidence))) / 2
        return ConfidenceInterval(
            low: Self.quantile(ofSorted: statistics, tail),
            high: Self.quantile(ofSorted: statistics, 1 - tail)
        )
    }

    /// Fills `buffer` with `samples.count` draws from `samples` and returns their median.
    private static func resampledMedian(
        of samples: [Double],
        into buffer: inout [Double],
        using generator: inout SeededGenerator
    ) -> Double {
        let count = samples.count
        for index in 0..<count {
            buffer[index] = samples[Int.random(in: 0..<count, using: &generator)]
        }
        return Self.medianInPlace(&buffer)
    }

    /// The median by selection (Hoare's quickselect), linear time on average: a resample of 1,000 values needs no
    /// full sort. Reorders `values`.
    static func medianInPlace(_ values: inout [Double]) -> Double {
        let count = values.count
        let upperMiddle = Self.select(&values, rank: count / 2)
        guard count % 2 == 0 else { return upperMiddle }
        // After selection everything before `count / 2` is at most the upper middle: the lower middle is their
        // largest.
        var lowerMiddle = values[0]
        for index in 1..<(count / 2) where values[index] > lowerMiddle { lowerMiddle = values[index] }
        return (lowerMiddle + upperMiddle) / 2
    }

    /// Moves the value of rank `rank` (0-based, ascending) to that index, smaller-or-equal values before it, and
    /// returns it.
    private static func select(_ values: inout [Double], rank: Int) -> Double {
        var low = 0
        var high = values.count - 1
        while low < high {
            // Median of three as the pivot: sorted or constant resamples stay linear.
            let middle = low + (high - low) / 2
            if values[middle] < values[low] { values.swapAt(middle, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[middle] { values.swapAt(high, middle) }
            let pivot = values[middle]
            var i = low
            var j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                return values[rank]
            }
        }
        return values[rank]
    }
}
