import FanoutBench
import Testing

@Suite("Bench statistics against values worked out by hand")
struct BenchStatisticsTests {
    @Test("median of odd and even counts, and of nothing")
    func median() {
        #expect(BenchStatistics.median([3, 1, 2]) == 2)
        #expect(BenchStatistics.median([4, 1, 3, 2]) == 2.5)
        #expect(BenchStatistics.median([7]) == 7)
        #expect(BenchStatistics.median([]) == nil)
    }

    @Test("timing summary: median, min and max of the samples in the order taken")
    func timingSummary() throws {
        let summary = try #require(TimingSummary(samples: [1.5, 0.9, 1.2, 3.0, 1.1]))
        #expect(summary.median == 1.2)
        #expect(summary.minimum == 0.9)
        #expect(summary.maximum == 3.0)
        #expect(summary.samples == [1.5, 0.9, 1.2, 3.0, 1.1])
        #expect(TimingSummary(samples: []) == nil)
    }

    @Test("speedup and efficiency")
    func speedupAndEfficiency() throws {
        #expect(BenchStatistics.speedup(baseline: 10, parallel: 4) == 2.5)
        #expect(BenchStatistics.speedup(baseline: 10, parallel: 0) == nil)
        #expect(BenchStatistics.efficiency(speedup: 2.5, cores: 4) == 0.625)
        #expect(BenchStatistics.efficiency(speedup: 2.5, cores: 0) == nil)
    }

    @Test("Karp–Flatt: perfect speedup is 0, 2.5× on 4 cores is 0.2, Amdahl's 10 % serial part comes back as 0.1")
    func karpFlatt() throws {
        #expect(BenchStatistics.karpFlatt(speedup: 4, processors: 4) == 0)
        let e = try #require(BenchStatistics.karpFlatt(speedup: 2.5, processors: 4))
        #expect(abs(e - 0.2) < 1e-12)
        // Amdahl: S = 1 / (f + (1 − f) / p) with f = 0.1, p = 8.
        let amdahl = 1 / (0.1 + 0.9 / 8)
        let recovered = try #require(BenchStatistics.karpFlatt(speedup: amdahl, processors: 8))
        #expect(abs(recovered - 0.1) < 1e-12)
        #expect(BenchStatistics.karpFlatt(speedup: 1, processors: 1) == nil)
        #expect(BenchStatistics.karpFlatt(speedup: 0, processors: 4) == nil)
    }

    @Test("a mode result works out speedup, efficiency and Karp–Flatt from the sequential median")
    func modeResult() throws {
        let wall = try #require(TimingSummary(samples: [2.0, 2.5, 3.0]))
        let result = ModeResult(mode: "local", coresUsed: 4, workers: 4, wall: wall, sequentialSeconds: 6.25)
        #expect(result.speedup == 2.5)
        #expect(result.efficiency == 0.625)
        #expect(abs((result.karpFlatt ?? -1) - 0.2) < 1e-12)
        let noBaseline = ModeResult(mode: "local", coresUsed: 4, workers: 4, wall: wall, sequentialSeconds: nil)
        #expect(noBaseline.speedup == nil && noBaseline.efficiency == nil && noBaseline.karpFlatt == nil)
    }

    @Test("phase breakdown: launch, compute = busy ÷ slots, the rest, shutdown; medians per part")
    func phases() throws {
        let phases = PhaseBreakdown.split(wall: 10, lastResult: 9.5, launch: 1, busy: 28, slots: 4)
        #expect(phases.launch == 1)
        #expect(phases.compute == 7)
        #expect(phases.schedulingAndTransfer == 1.5)
        #expect(phases.shutdown == 0.5)
        // Busy time above the wall (clock skew) never makes a part negative.
        let skewed = PhaseBreakdown.split(wall: 2, lastResult: 2, launch: 1, busy: 8, slots: 2)
        #expect(skewed.schedulingAndTransfer == 0)
        let median = try #require(PhaseBreakdown.median(of: [phases, skewed, phases]))
        #expect(median == phases)
    }

    @Test("fixed-point formatting rounds half away from zero and never prints -0")
    func formatting() {
        #expect(NumberFormatting.fixed(2.0 / 3, 2) == "0.67")
        #expect(NumberFormatting.fixed(1234.5, 0) == "1235")
        #expect(NumberFormatting.fixed(-0.001, 2) == "0.00")
        #expect(NumberFormatting.fixed(-1.25, 1) == "-1.3")
        #expect(NumberFormatting.fixed(0.05, 3) == "0.050")
        #expect(NumberFormatting.fixed(Double.nan, 2) == "–")
        #expect(NumberFormatting.duration(0.000_25) == "250 µs")
        #expect(NumberFormatting.duration(0.004_21) == "4.21 ms")
        #expect(NumberFormatting.duration(1.2344) == "1.234 s")
    }

    @Test("latency percentiles from an HdrHistogram match the known distribution 1…1000 ms within 0.1 %")
    func latencyPercentiles() throws {
        let values = (1...1000).map { UInt64($0) * 1_000_000 }
        let percentiles = try #require(LatencyPercentiles(nanoseconds: values.shuffled()))
        #expect(percentiles.count == 1000)
        #expect(abs(percentiles.p50 - 0.500) / 0.500 < 0.001)
        #expect(abs(percentiles.p90 - 0.900) / 0.900 < 0.001)
        #expect(abs(percentiles.p99 - 0.990) / 0.990 < 0.001)
        #expect(abs(percentiles.maximum - 1.000) / 1.000 < 0.001)
        #expect(LatencyPercentiles(nanoseconds: []) == nil)
    }
}
