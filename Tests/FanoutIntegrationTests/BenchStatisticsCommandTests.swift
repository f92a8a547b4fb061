import FanoutBench
import Foundation
import Testing

extension IntegrationSuite {
    /// A short bench of sequential and threads: tiny sum-squares tasks, five runs each (one fewer than a 95 %
    /// interval of a median needs, so the few-runs warning is printed too).
    static func shortBench(out directory: String, extra: [String] = []) -> [String] {
        [
            "bench", "sum-squares", "--modes", "sequential,threads", "--repeat", "5", "--warmup", "0", "--workers",
            "2", "--quiet", "--out", directory,
        ] + extra + ["--", "--tasks", "4", "--n", "100000"]
    }

    @Test("fanout bench: wall ci95 and outliers per mode, speedup and efficiency intervals, warnings; --compare")
    func benchStatisticsAndCompare() async throws {
        let fanout = try Self.product("fanout")
        let baseline = NSTemporaryDirectory() + "fanout-bench-baseline-\(UUID().uuidString)"
        let current = NSTemporaryDirectory() + "fanout-bench-current-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: baseline)
            try? FileManager.default.removeItem(atPath: current)
        }
        let first = try await Self.runOffThePool(fanout, Self.shortBench(out: baseline))
        #expect(first.status == 0, "\(first.standardError)")
        let report = try JSONReport.decode(try Data(contentsOf: URL(fileURLWithPath: baseline + "/report.json")))
        #expect(report.modes.map(\.mode) == ["sequential", "threads"])
        for mode in report.modes {
            let interval = try #require(mode.wall.ci95, "\(mode.mode): no ci95")
            #expect(interval.low <= mode.wall.median && mode.wall.median <= interval.high)
            #expect(mode.wall.outliers != nil)
        }
        let threads = try #require(report.modes.last)
        let speedup = try #require(threads.speedupCI95)
        #expect(speedup.low > 0 && speedup.low <= speedup.high)
        #expect(threads.efficiencyCI95?.high == speedup.high / 2)
        #expect(report.warnings.contains { $0.code == .fewRuns })
        for warning in report.warnings {
            #expect(first.standardError.contains("fanout bench: warning: \(warning.message)"))
        }

        // Same kernel, options and (no) cluster file: a verdict per mode, the baseline named by its report.json.
        let second = try await Self.runOffThePool(
            fanout,
            Self.shortBench(out: current, extra: ["--compare", baseline])
        )
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardOutput.contains("## Against \(baseline)/report.json"))
        for mode in ["sequential", "threads"] {
            let row = second.standardOutput.split(separator: "\n").first {
                $0.hasPrefix("| \(mode) |") && $0.contains("**")
            }
            let verdicts = [ComparisonVerdict.faster, .slower, .noChange].map { "**\($0.rawValue)**" }
            #expect(
                row.map { line in verdicts.contains { line.hasSuffix("\($0) |") } } == true,
                "\(mode): \(String(describing: row))"
            )
        }

        // Another kernel is refused before anything runs.
        let other = try await Self.runOffThePool(
            fanout,
            [
                "bench", "pi", "--modes", "sequential", "--repeat", "1", "--warmup", "0", "--compare",
                baseline + "/report.json",
            ]
        )
        #expect(other.status == 2)
        #expect(other.standardError.contains("cannot compare: kernel differs (baseline `sum-squares`, this run `pi`)"))
        #expect(other.standardOutput.isEmpty && !other.standardError.contains("run 1/1"))
    }

    @Test("fanout bench --compare with no report there exits 2 before running")
    func benchCompareMissingBaseline() throws {
        let missing = NSTemporaryDirectory() + "fanout-no-such-report-\(UUID().uuidString)"
        let output = try ProcessHarness.run(try Self.product("fanout"), ["bench", "--compare", missing])
        #expect(output.status == 2)
        #expect(output.standardError.contains("fanout bench: no such file: \(missing)"))
        #expect(output.standardOutput.isEmpty)
    }

    @Test("fanout bench warns of background load when two busy processes run beside it")
    func benchBackgroundLoadWarning() async throws {
        // Two busy loops for the whole bench; the bench itself sleeps (the sleep kernel), so the load it sees is
        // theirs. Its measured runs span over 10 s (3 rounds of 2.5 s + 1.25 s), the shortest span over which the
        // load average (updated every 5 s) is read as load during the runs.
        let loads = try (0..<2).map { _ in try Self.spawnBusyLoop() }
        defer {
            for pid in loads {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
        let output = try await Self.runOffThePool(
            try Self.product("fanout"),
            [
                "bench", "sleep", "--modes", "sequential,threads", "--repeat", "3", "--warmup", "0", "--workers", "2",
                "--quiet", "--", "--tasks", "10", "--milliseconds", "250",
            ]
        )
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardError.contains("fanout bench: warning: other processes used the CPUs"))
        #expect(output.standardOutput.contains("**background-load**"), "\(output.standardOutput)")
    }

    /// Starts `sh -c 'while :; do :; done'`, a process that keeps one core busy until killed (SIGKILL: such a loop
    /// started with Foundation's `Process` outlived its `terminate()`, and the test hung waiting for it).
    static func spawnBusyLoop() throws -> pid_t {
        let texts: [String] = ["/bin/sh", "-c", "while :; do :; done"]
        let arguments: [UnsafeMutablePointer<CChar>?] = texts.map { (text: String) in strdup(text) }
        defer { for argument in arguments { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", nil, nil, arguments + [nil], environ)
        try #require(result == 0, "posix_spawn: \(result)")
        return pid
    }
}
