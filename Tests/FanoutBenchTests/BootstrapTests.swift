import Foundation
import Testing

@testable import FanoutBench

@Suite("Bootstrap confidence intervals against distributions with a known median")
struct BootstrapTests {
    /// `count` draws from the uniform distribution on [0, 1), reproducibly.
    static func uniform(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Double.random(in: 0..<1, using: &generator) }
    }

    /// `count` draws from the normal distribution N(mean, deviation²) by Box–Muller, reproducibly.
    static func normal(_ count: Int, mean: Double, deviation: Double, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
            let v = Double.random(in: 0..<1, using: &generator)
            return mean + deviation * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
    }

    @Test("1,000 uniform samples: the CI covers the true median 0.5 and is about 2 × 1.96 / (2√n) ≈ 0.062 wide")
    func uniformMedian() throws {
        let interval = try #require(Bootstrap.medianInterval(of: Self.uniform(1000, seed: 17)))
        #expect(interval.contains(0.5))
        #expect(interval.width > 0.03 && interval.width < 0.12, "width \(interval.width)")
    }

    @Test("1,000 normal samples N(10, 1): the CI covers 10 and is about 2 × 1.96 × 1.2533 / √n ≈ 0.155 wide")
    func normalMedian() throws {
        let interval = try #require(
            Bootstrap.medianInterval(of: Self.normal(1000, mean: 10, deviation: 1, seed: 2026))
        )
        #expect(interval.contains(10))
        #expect(interval.width > 0.08 && interval.width < 0.30, "width \(interval.width)")
    }

    @Test("coverage: over 100 samples of 41 uniform values, the 95 % interval holds the true median about 95 times")
    func coverage() {
        var covered = 0
        for trial in 0..<100 {
            let samples = Self.uniform(41, seed: 1000 + UInt64(trial))
            if Bootstrap.medianInterval(of: samples, resamples: 1000)?.contains(0.5) == true { covered += 1 }
        }
        #expect(covered >= 88 && covered <= 100, "covered \(covered) of 100")
    }

    @Test("the same samples and seed give the same interval; one sample gives a point; none gives nil")
    func deterministic() throws {
        let samples = Self.normal(30, mean: 4, deviation: 0.2, seed: 5)
        #expect(Bootstrap.medianInterval(of: samples) == Bootstrap.medianInterval(of: samples))
        #expect(Bootstrap.medianInterval(of: [2.5]) == ConfidenceInterval(low: 2.5, high: 2.5))
        #expect(Bootstrap.medianInterval(of: []) == nil)
    }

    @Test("ratio of medians: 8 s ÷ 4 s with 2 % noise covers 2 and stays within ±5 %; a zero denominator gives nil")
    func ratio() throws {
        let sequential = Self.normal(20, mean: 8, deviation: 0.16, seed: 7)
        let parallel = Self.normal(20, mean: 4, deviation: 0.08, seed: 8)
        let interval = try #require(Bootstrap.ratioOfMediansInterval(numerator: sequential, denominator: parallel))
        #expect(interval.contains(2))
        #expect(interval.low > 1.9 && interval.high < 2.1, "\(interval)")
        #expect(Bootstrap.ratioOfMediansInterval(numerator: [1], denominator: [0, 0]) == nil)
        #expect(Bootstrap.ratioOfMediansInterval(numerator: [], denominator: [1]) == nil)
    }

    @Test("a mode's speedup and efficiency intervals come from the sequential samples and hold the point values")
    func modeIntervals() throws {
        let sequential: [Double] = [8.0, 8.1, 7.9, 8.05, 7.95, 8.02]
        let wall = try #require(TimingSummary(samples: [4.1, 4.0, 4.2, 4.05, 4.15, 4.08]))
        let result = ModeResult(
            mode: "local",
            coresUsed: 2,
            workers: 2,
            wall: wall,
            sequentialSeconds: BenchStatistics.median(sequential),
            sequentialSamples: sequential
        )
        let speedup = try #require(result.speedupCI95)
        let efficiency = try #require(result.efficiencyCI95)
        #expect(speedup.contains(try #require(result.speedup)))
        #expect(efficiency.contains(try #require(result.efficiency)))
        #expect(abs(efficiency.low - speedup.low / 2) < 1e-12 && abs(efficiency.high - speedup.high / 2) < 1e-12)
        let wallInterval = try #require(wall.ci95)
        #expect(wallInterval.contains(wall.median) && wallInterval.low >= wall.minimum)
    }

    @Test("median by selection equals the median of the sorted values, odd and even counts, with ties")
    func selectionMedian() {
        var generator = SeededGenerator(seed: 99)
        for count in [1, 2, 3, 4, 5, 10, 11, 100, 101] {
            for _ in 0..<20 {
                var values = (0..<count).map { _ in Double(Int.random(in: 0..<7, using: &generator)) }
                let expected = BenchStatistics.median(values)
                #expect(Bootstrap.medianInPlace(&values) == expected)
            }
        }
    }

    @Test("time is bounded: 100,000 samples take their interval from order statistics, ≈ 2 × 1.96 / (2√n) wide")
    func bounded() throws {
        let samples = Self.uniform(100_000, seed: 3)
        let start = ContinuousClock.now
        let interval = try #require(Bootstrap.medianInterval(of: samples))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(interval == Bootstrap.orderStatisticInterval(of: samples, confidence: 0.95))
        #expect(interval.contains(0.5) && interval.width > 0.004 && interval.width < 0.009, "\(interval)")
        #expect(abs(Bootstrap.normalQuantile(0.975) - 1.959_964) < 1e-5)
    }
}
