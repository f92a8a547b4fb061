import FanoutBench
import Foundation
import Testing

@Suite("Warnings from planted samples and machine readings")
struct BenchWarningTests {
    /// A report of `runs` runs per mode, the sequential mode steady at 8 s and `local` with the samples given.
    static func report(runs: Int = 8, local: [Double]? = nil) -> BenchReport {
        let sequential = (0..<runs).map { 8 + 0.01 * Double($0 % 3) }
        return ReportFixtures.sequentialAndLocal(
            provenance: Provenance(
                date: "2026-12-04T20:00:00Z",
                commandLine: ["fanout"],
                hosts: [],
                loadBefore: [0.1],
                optimized: true
            ),
            workload: WorkloadDescription(job: "primes", tasks: 8, parameters: "--tasks 8"),
            repeats: runs,
            sequential: sequential,
            local: local ?? sequential.map { $0 / 2 }
        )
    }

    /// /proc/stat's first lines at two moments 10 s apart on 2 CPUs (2,000 ticks): 100 ticks stolen, 5 %.
    static let procStatBefore = """
        cpu  400000 7000 79000 177000 1500 0 2000 600 0 0
        cpu0 200000 3500 39500 88500 750 0 1000 300 0 0
        cpu1 200000 3500 39500 88500 750 0 1000 300 0 0
        intr 3522473 0 0 0
        """
    static let procStatAfter = """
        cpu  401700 7000 79150 177050 1500 0 2000 700 0 0
        cpu0 200850 3500 39575 88525 750 0 1000 350 0 0
        """

    @Test("a quiet machine, enough steady runs, governor performance: no warnings")
    func quiet() {
        let readings = MachineReadings(
            loadBefore: [0.05, 0.1, 0.1],
            loadAfter: [0.82, 0.3, 0.15],
            secondsBetweenReadings: 30,
            benchCPUSeconds: 60,
            procStatBefore: Self.procStatBefore,
            procStatAfter: Self.procStatBefore,
            scalingGovernors: ["performance\n", "performance\n"]
        )
        #expect(BenchWarning.warnings(for: Self.report(), readings: readings) == [])
    }

    @Test("/proc/stat: the cpu line parses, per-CPU lines are ignored, a 5 % steal pair warns")
    func steal() throws {
        let before = try #require(CPUTimes(procStat: Self.procStatBefore))
        let after = try #require(CPUTimes(procStat: Self.procStatAfter))
        #expect(before.user == 400_000 && before.steal == 600 && before.idle == 177_000)
        #expect(after.total - before.total == 2000)
        #expect(CPUTimes.stealFraction(from: before, to: after) == 0.05)
        #expect(CPUTimes.stealFraction(from: after, to: before) == nil)
        // An old kernel's line without steal: 0, not a parse failure; garbage: nil.
        #expect(CPUTimes(procStat: "cpu 1 2 3 4")?.steal == 0)
        #expect(CPUTimes(procStat: "cpu0 1 2 3 4") == nil)
        #expect(CPUTimes(procStat: "cpu 1 x 3 4") == nil)
        let warnings = BenchWarning.warnings(
            for: Self.report(),
            readings: MachineReadings(procStatBefore: Self.procStatBefore, procStatAfter: Self.procStatAfter)
        )
        #expect(warnings.map(\.code) == [.cpuSteal])
        #expect(warnings.first?.message.contains("5.0 %") == true)
    }

    @Test("governor powersave on one of two CPUs warns and names it; none exposed (a VM) says nothing")
    func governor() {
        let warnings = BenchWarning.warnings(
            for: Self.report(),
            readings: MachineReadings(scalingGovernors: ["performance\n", "powersave\n"])
        )
        #expect(warnings.map(\.code) == [.frequencyGovernor])
        #expect(warnings.first?.message.contains("`powersave` on 1 of 2 CPU(s)") == true)
        #expect(BenchWarning.warnings(for: Self.report(), readings: MachineReadings(scalingGovernors: [])) == [])
    }

    @Test("high coefficient of variation: local runs spread by ~20 % warn and name the mode")
    func highVariation() {
        let report = Self.report(local: [3.2, 4.0, 4.8, 3.4, 4.6, 4.0, 3.6, 4.4])
        let warnings = BenchWarning.warnings(for: report, readings: MachineReadings())
        #expect(warnings.map(\.code) == [.highVariation])
        #expect(warnings.first?.message.contains("`local` 1") == true)
    }

    @Test("few runs: 3 runs are too few for a 95 % interval of the median (6 needed)")
    func fewRuns() {
        let warnings = BenchWarning.warnings(for: Self.report(runs: 3), readings: MachineReadings())
        #expect(warnings.map(\.code) == [.fewRuns])
        #expect(warnings.first?.message.contains("at least 6") == true)
        #expect(BenchWarning.warnings(for: Self.report(runs: 6), readings: MachineReadings()) == [])
    }

    @Test(
        "outliers: one slow run in eight (33 robust σ out, CV under 10 %) is counted, named with its run number and kept in the samples"
    )
    func outliers() throws {
        let report = Self.report(local: [4.0, 4.01, 3.99, 4.02, 3.98, 4.0, 4.01, 4.5])
        let warnings = BenchWarning.warnings(for: report, readings: MachineReadings())
        #expect(warnings.map(\.code) == [.outliers])
        #expect(warnings.first?.message.contains("`local` run 8 (4.500 s)") == true)
        #expect(report.modes[1].wall.outliers == 1 && report.modes[1].wall.samples.count == 8)
    }

    @Test("load: a planted load of 3 beside a 30 s bench using 1 core warns; the bench's own load does not")
    func backgroundLoad() throws {
        // 1-minute average after 30 s with N runnable from a start of 0.1: 0.1·e^−½ + N·(1 − e^−½).
        let decay = exp(-0.5)
        let planted = 0.1 * decay + (1 + 3) * (1 - decay)
        let estimate = try #require(
            BackgroundLoad.otherRunnable(loadBefore: 0.1, loadAfter: planted, seconds: 30, benchCPUSeconds: 30)
        )
        #expect(abs(estimate - 3) < 1e-9)
        let busy = MachineReadings(
            loadBefore: [0.1, 0.1, 0.1],
            loadAfter: [planted, 1, 0.5],
            secondsBetweenReadings: 30,
            benchCPUSeconds: 30
        )
        let warnings = BenchWarning.warnings(for: Self.report(), readings: busy)
        #expect(warnings.map(\.code) == [.backgroundLoad])
        #expect(warnings.first?.message.contains("about 3.00 runnable") == true)
        // The same load average, all of it the bench's own (4 cores' worth of CPU over 30 s): no warning.
        let own = MachineReadings(
            loadBefore: [0.1],
            loadAfter: [planted],
            secondsBetweenReadings: 30,
            benchCPUSeconds: 120
        )
        #expect(BenchWarning.warnings(for: Self.report(), readings: own) == [])
        // A machine busy before the first run warns even without a usable span.
        let before = BenchWarning.warnings(for: Self.report(), readings: MachineReadings(loadBefore: [1.7]))
        #expect(before.map(\.code) == [.backgroundLoad])
    }

    @Test("a snapshot reads /proc/loadavg, /proc/stat and the governors from a fixture root")
    func snapshot() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fanout-snapshot-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let proc = root.appendingPathComponent("proc")
        try FileManager.default.createDirectory(at: proc, withIntermediateDirectories: true)
        try "0.52 0.58 0.59 1/467 12345\n".write(
            to: proc.appendingPathComponent("loadavg"),
            atomically: true,
            encoding: .utf8
        )
        try Self.procStatBefore.write(to: proc.appendingPathComponent("stat"), atomically: true, encoding: .utf8)
        for (cpu, governor) in [(0, "powersave\n"), (1, "performance\n")] {
            let directory = root.appendingPathComponent("sys/devices/system/cpu/cpu\(cpu)/cpufreq")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try governor.write(
                to: directory.appendingPathComponent("scaling_governor"),
                atomically: true,
                encoding: .utf8
            )
        }
        let snapshot = MachineSnapshot.read(root: root.path)
        #expect(snapshot.loadAverages == [0.52, 0.58, 0.59])
        #expect(snapshot.procStat == Self.procStatBefore)
        #expect(snapshot.scalingGovernors == ["powersave\n", "performance\n"])
        let empty = MachineSnapshot.read(root: root.appendingPathComponent("nothing").path)
        #expect(empty == MachineSnapshot(loadAverages: [], procStat: nil, scalingGovernors: []))
    }
}
