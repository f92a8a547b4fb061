import FanoutBench
import Testing

@Suite("Outliers by median and MAD, as hyperfine finds them")
struct OutlierDetectionTests {
    /// Twenty runs of about 1 s (spread ±1 %), then a stalled one at 3 s and a suspiciously fast one at 0.2 s.
    static let planted: [Double] =
        [1.000, 1.004, 0.996, 1.010, 0.990, 1.002, 0.998, 1.006, 0.994, 1.008]
        + [0.992, 1.001, 0.999, 1.003, 0.997, 1.005, 0.995, 1.007, 0.993, 1.009] + [3.0, 0.2]

    @Test("the two planted runs are the outliers, and they stay in the summary's samples and range")
    func planted() throws {
        #expect(OutlierDetection.outlierIndices(in: Self.planted) == [20, 21])
        let summary = try #require(TimingSummary(samples: Self.planted))
        #expect(summary.outliers == 2)
        #expect(summary.samples.count == 22 && summary.maximum == 3.0 && summary.minimum == 0.2)
        #expect(summary.outlierIndices() == [20, 21])
    }

    @Test("the threshold is named and decides: 1.05 s is 7 robust σ out, flagged at 3.5 but not at hyperfine's 10")
    func threshold() {
        var samples = Array(Self.planted.prefix(20))
        samples.append(1.05)
        let scores = OutlierDetection.scores(samples)
        #expect(
            scores[20] > OutlierDetection.iglewiczHoaglinThreshold && scores[20] < OutlierDetection.hyperfineThreshold
        )
        #expect(OutlierDetection.outlierIndices(in: samples).isEmpty)
        #expect(
            OutlierDetection.outlierIndices(in: samples, threshold: OutlierDetection.iglewiczHoaglinThreshold) == [20]
        )
    }

    @Test("MAD = 0: the mean absolute deviation takes over instead of making every other value an outlier")
    func zeroMAD() {
        // Median 1, MAD 0; mean absolute deviation 1/7, so 2 is 1 ÷ (1.2533 / 7) ≈ 5.6 σ out.
        let samples: [Double] = [1, 1, 1, 1, 1, 1, 2]
        let scores = OutlierDetection.scores(samples)
        #expect(abs(scores[6] - 7 / OutlierDetection.meanAbsoluteDeviationToStandardDeviation) < 1e-9)
        #expect(OutlierDetection.outlierIndices(in: samples).isEmpty)
        #expect(OutlierDetection.outlierIndices(in: samples, threshold: 3.5) == [6])
        // All equal: nothing is an outlier, and nothing divides by zero.
        #expect(OutlierDetection.scores([2, 2, 2]) == [0, 0, 0])
        #expect(OutlierDetection.outlierIndices(in: [5]).isEmpty)
        #expect(OutlierDetection.outlierIndices(in: []).isEmpty)
    }

    @Test("coefficient of variation and the runs a 95 % median interval needs (6: 5 give only 93.75 %)")
    func variationAndRuns() throws {
        let variation = try #require(BenchStatistics.coefficientOfVariation([9, 10, 11]))
        #expect(abs(variation - 0.1) < 1e-12)
        #expect(BenchStatistics.coefficientOfVariation([1]) == nil)
        #expect(BenchStatistics.minimumRuns(forConfidence: 0.95) == 6)
        #expect(BenchStatistics.minimumRuns(forConfidence: 0.9) == 5)
        #expect(BenchStatistics.minimumRuns(forConfidence: 0.99) == 8)
    }
}
