import FanoutBench
import Foundation
import Testing

@Suite("Comparing a report with a baseline: verdicts on synthetic reports, refusals, old report.json")
struct BenchComparisonTests {
    /// Eight runs around `median` with a spread of ±`spread` (a fraction), the same shape every time.
    static func samples(around median: Double, spread: Double = 0.01) -> [Double] {
        [0, 0.5, -0.5, 1, -1, 0.25, -0.25, 0.75].map { median * (1 + spread * $0) }
    }

    /// A report whose `local` mode took `local` samples, the sequential mode 8 s.
    static func report(
        local: [Double],
        job: String = "primes",
        parameters: String = "--limit 8000000 --tasks 64",
        configSHA256: String? = nil
    ) -> BenchReport {
        ReportFixtures.sequentialAndLocal(
            provenance: Provenance(
                date: "2026-12-04T20:00:00Z",
                commandLine: ["fanout", "bench"],
                hosts: [],
                loadBefore: [0.1],
                configPath: configSHA256 == nil ? nil : "lab.yaml",
                configSHA256: configSHA256,
                optimized: true
            ),
            workload: WorkloadDescription(job: job, tasks: 64, parameters: parameters),
            repeats: local.count,
            sequential: Self.samples(around: 8),
            local: local
        )
    }

    static let baseline = Self.report(local: Self.samples(around: 4.4))

    @Test("clearly faster: 4.4 s → 3.6 s is −18 %, its interval below 0, verdict faster; sequential unchanged")
    func faster() throws {
        let comparison = try BenchComparison(
            baseline: Self.baseline,
            current: Self.report(local: Self.samples(around: 3.6))
        )
        let local = try #require(comparison.modes.first { $0.mode == "local" })
        #expect(local.verdict == .faster)
        #expect(abs(local.relativeChange - (3.6 / 4.4 - 1)) < 1e-12)
        let interval = try #require(local.ci95)
        #expect(interval.high < 0 && interval.contains(local.relativeChange))
        #expect(comparison.modes.first { $0.mode == "sequential" }?.verdict == .noChange)
    }

    @Test("clearly slower: 4.4 s → 5.2 s is +18 %, its interval above 0, verdict slower")
    func slower() throws {
        let comparison = try BenchComparison(
            baseline: Self.baseline,
            current: Self.report(local: Self.samples(around: 5.2))
        )
        let local = try #require(comparison.modes.first { $0.mode == "local" })
        #expect(local.verdict == .slower)
        #expect(try #require(local.ci95).low > 0)
    }

    @Test("within noise: +3 % with a tight interval that excludes 0 is still no change (threshold 5 %)")
    func withinNoise() throws {
        let comparison = try BenchComparison(
            baseline: Self.baseline,
            current: Self.report(local: Self.samples(around: 4.4 * 1.03, spread: 0.002))
        )
        let local = try #require(comparison.modes.first { $0.mode == "local" })
        #expect(try #require(local.ci95).low > 0)
        #expect(local.verdict == .noChange)
        #expect(BenchComparison.defaultNoiseThreshold == 0.05)
    }

    @Test("noisy: +10 % but runs spread by ±40 %, so the interval includes 0: no change")
    func noisy() throws {
        let comparison = try BenchComparison(
            baseline: Self.report(local: Self.samples(around: 4.4, spread: 0.4)),
            current: Self.report(local: Self.samples(around: 4.84, spread: 0.4))
        )
        let local = try #require(comparison.modes.first { $0.mode == "local" })
        #expect(local.relativeChange > 0.05)
        #expect(try #require(local.ci95).contains(0))
        #expect(local.verdict == .noChange)
    }

    @Test("the verdict rule itself: beyond the threshold and an interval excluding 0, or no change")
    func verdictRule() {
        let below = ConfidenceInterval(low: -0.2, high: -0.1)
        #expect(BenchComparison.verdict(relativeChange: -0.15, interval: below, noiseThreshold: 0.05) == .faster)
        #expect(BenchComparison.verdict(relativeChange: -0.04, interval: below, noiseThreshold: 0.05) == .noChange)
        let straddling = ConfidenceInterval(low: -0.2, high: 0.1)
        #expect(BenchComparison.verdict(relativeChange: -0.15, interval: straddling, noiseThreshold: 0.05) == .noChange)
        #expect(BenchComparison.verdict(relativeChange: 0.15, interval: nil, noiseThreshold: 0.05) == .slower)
    }

    @Test("different kernels are refused, and the refusal names the kernel")
    func differentKernel() {
        let current = Self.report(local: Self.samples(around: 3.6), job: "sum-squares")
        #expect(throws: ComparisonRefusal.self) { try BenchComparison(baseline: Self.baseline, current: current) }
        do {
            _ = try BenchComparison(baseline: Self.baseline, current: current)
        } catch {
            #expect(error.differences.map(\.field) == ["kernel"])
            #expect(error.description == "cannot compare: kernel differs (baseline `primes`, this run `sum-squares`)")
        }
    }

    @Test("different kernel options and cluster files are refused, every difference named")
    func differentOptionsAndCluster() {
        let current = Self.report(
            local: Self.samples(around: 4.4),
            parameters: "--limit 4000000 --tasks 64",
            configSHA256: String(repeating: "cd", count: 32)
        )
        let differences = BenchComparison.differences(baseline: Self.baseline, current: current)
        #expect(differences.map(\.field) == ["kernel options", "cluster file"])
        #expect(differences.last?.baseline == "none")
        #expect(differences.last?.current.hasPrefix("lab.yaml cdcd") == true)
        // The same cluster file content under another path compares.
        var moved = Self.report(local: Self.samples(around: 4.4), configSHA256: String(repeating: "cd", count: 32))
        let original = moved
        moved.provenance.configPath = "elsewhere/lab.yaml"
        #expect(BenchComparison.differences(baseline: original, current: moved).isEmpty)
    }

    @Test("modes only in one report are listed, not compared; the Markdown names verdicts and the threshold")
    func unmatchedModesAndMarkdown() throws {
        var current = Self.report(local: Self.samples(around: 3.6))
        current.modes[0].mode = "threads"
        let comparison = try BenchComparison(baseline: Self.baseline, current: current)
        #expect(comparison.modes.map(\.mode) == ["local"])
        #expect(comparison.onlyInBaseline == ["sequential"] && comparison.onlyInCurrent == ["threads"])
        let text = comparison.markdown(baselineName: "old/report.json")
        #expect(text.contains("## Against old/report.json"))
        #expect(text.contains("| local | 4.406 s | 3.605 s | −18.2 % | ["))
        #expect(text.contains("| **faster** |"))
        #expect(text.contains("- `sequential`: only in the baseline"))
        #expect(text.contains("±5.0 %"))
    }

    @Test("an old report.json (no ci95, outliers, speedup intervals or warnings) decodes and compares")
    func oldReport() throws {
        let old = try JSONReport.decode(Data(OldReportFixture.json.utf8))
        #expect(old.warnings.isEmpty)
        #expect(old.modes.count == 5)
        #expect(old.modes.allSatisfy { $0.wall.ci95 == nil && $0.wall.outliers == nil && $0.speedupCI95 == nil })
        // Re-running the same bench today: the new summaries carry intervals; the old samples are enough to compare.
        var current = old
        current.modes = old.modes.map { mode in
            var updated = mode
            updated.wall = TimingSummary(samples: mode.wall.samples.map { $0 * 0.7 })!
            return updated
        }
        let comparison = try BenchComparison(baseline: old, current: current)
        #expect(comparison.modes.count == 5)
        #expect(comparison.modes.allSatisfy { $0.verdict == .faster && abs($0.relativeChange + 0.3) < 1e-9 })
        // And the new report round-trips with its new fields.
        let decoded = try JSONReport.decode(try JSONReport.encode(current))
        #expect(decoded == current)
        #expect(decoded.modes[0].wall.ci95 != nil)
    }
}
