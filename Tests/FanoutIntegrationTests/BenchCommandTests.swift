import FanoutBench
import Foundation
import Testing

extension IntegrationSuite {
    @Test("fanout bench on 2 local workers: every mode, lessons, sweep and overhead, with the reports written")
    func benchEndToEnd() async throws {
        let directory = NSTemporaryDirectory() + "fanout-bench-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try await Self.runOffThePool(
            try Self.product("fanout"),
            [
                "bench", "sum-squares", "--repeat", "2", "--warmup", "0", "--workers", "2", "--lessons", "--sweep",
                "--overhead", "--noop-tasks", "300", "--latency-samples", "10", "--sleep-tasks", "6",
                "--sleep-milliseconds", "20", "--out", directory, "--", "--tasks", "8", "--n", "100000",
            ],
            directory: NSTemporaryDirectory()
        )
        #expect(output.status == 0, "\(output.standardError)")
        let report = try JSONReport.decode(try Data(contentsOf: URL(fileURLWithPath: directory + "/report.json")))
        #expect(report.workload.job == "sum-squares")
        #expect(report.workload.tasks == 8)
        #expect(report.modes.map(\.mode) == ["sequential", "threads", "local"])
        #expect(report.skipped.map(\.mode) == ["remote", "all"])
        #expect(report.skipped.allSatisfy { $0.reason.contains("no --cluster file") })
        for mode in report.modes {
            #expect(mode.wall.samples.count == 2)
            #expect(mode.wall.minimum > 0 && mode.wall.minimum <= mode.wall.median)
        }
        let local = try #require(report.modes.first { $0.mode == "local" })
        #expect(local.coresUsed == 2 && local.workers == 2)
        #expect(local.hosts.map(\.tasks).reduce(0, +) == 8)
        #expect(local.phases != nil)
        // The I/O lesson: every wait in flight on one event loop beats waiting one at a time (6 × 20 ms = 120 ms
        // against one 20 ms timer), whatever the machine's load.
        let oneLoop = try #require(report.lessons.first { $0.tool == "async timers on 1 event loop" })
        #expect((oneLoop.speedup ?? 0) > 1.5)
        #expect(report.lessons.contains { $0.verdict == "wrong tool" })
        #expect(Set(report.sweep.map(\.series)) == ["threads", "local workers"])
        #expect(report.sweep.filter { $0.series == "local workers" }.map(\.cores) == [1, 2])
        let overhead = try #require(report.overhead.first)
        #expect(overhead.noopTasks == 300 && overhead.noopTasksPerSecond.median > 0)
        #expect(overhead.latency?.count == 20)
        #expect(report.provenance.commandLine.contains("bench"))
        #expect(report.provenance.loadBefore.count == 3 && report.provenance.loadAfter.count == 3)
        #expect(report.provenance.workerBinarySHA256?.count == 64)
        #expect(report.provenance.hosts.first?.cores ?? 0 >= 1)
        for name in ["report.md", "report.csv", "sweep.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + name), "\(name) missing")
        }
        #expect(output.standardOutput.contains("## Concurrency is not parallelism: right tool / wrong tool"))
    }

    /// Runs a command on a thread of its own: the bench takes several seconds, and blocking a thread of the
    /// cooperative pool (two on this machine) that long would stall the timing-sensitive tests running beside it.
    static func runOffThePool(
        _ path: String,
        _ arguments: [String],
        directory: String? = nil
    ) async throws -> ProcessHarness.Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try ProcessHarness.run(path, arguments, directory: directory) })
            }.start()
        }
    }

    @Test("fanout bench rejects an unknown mode with exit status 2")
    func benchUnknownMode() throws {
        let output = try ProcessHarness.run(try Self.product("fanout"), ["bench", "--modes", "sequential,gpu"])
        #expect(output.status == 2)
        #expect(output.standardError.contains("unknown mode 'gpu'"))
    }
}
