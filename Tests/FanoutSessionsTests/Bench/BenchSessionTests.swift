import FanoutBench
import FanoutSessions
import Foundation
import Testing

@Suite("BenchSession")
struct BenchSessionTests {
    @Test("in-process modes on a small workload: measured runs, provenance and progress, no worker started")
    func inProcess() async throws {
        let lines = ProgressLines()
        let request = BenchRequest(
            modes: [.threads, .remote],
            repeats: 2,
            warmups: 1,
            localWorkers: 2,
            commandLine: ["fanout", "bench"]
        )
        let session = BenchSession(request: request) { lines.append($0) }
        let report = try await session.run(SumSquaresWorkload(tasks: 4, n: 20_000))
        #expect(report.workload == WorkloadDescription(job: "sum-squares", tasks: 4, parameters: "--tasks 4 --n 20000"))
        #expect(report.modes.map(\.mode) == ["sequential", "threads"])
        #expect(report.skipped.map(\.mode) == ["remote"])
        #expect(report.modes.allSatisfy { $0.wall.samples.count == 2 && $0.wall.minimum > 0 })
        #expect(report.sequentialSeconds == report.modes.first?.wall.median)
        #expect(report.warmups == 1 && report.repeats == 2)
        #expect(report.provenance.commandLine == ["fanout", "bench"])
        #expect(report.provenance.hosts.map(\.name) == ["local"])
        #expect(report.provenance.loadBefore.count == 3 && report.provenance.loadAfter.count == 3)
        #expect(report.lessons.isEmpty && report.sweep.isEmpty && report.overhead.isEmpty)
        let progress = lines.all
        #expect(progress.first?.hasPrefix("remote skipped: no --cluster file") == true)
        #expect(
            progress.dropFirst().map { $0.prefix { $0 != ":" } + ($0.contains("warm-up") ? " warm-up" : "") } == [
                "sequential warm-up", "threads warm-up", "sequential", "threads", "sequential", "threads",
            ]
        )
    }

    @Test("the report's files: Markdown, JSON, CSV, and the chart only with a sweep")
    func reportFiles() throws {
        let directory = NSTemporaryDirectory() + "fanout-bench-report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var report = BenchReport(
            provenance: Provenance(
                date: "2026-12-04T00:00:00Z",
                commandLine: [],
                hosts: [],
                loadBefore: [],
                optimized: false
            ),
            workload: WorkloadDescription(job: "noop", tasks: 1, parameters: "--tasks 1"),
            warmups: 0,
            repeats: 1
        )
        let paths = try ReportWriter.write(report, to: directory)
        #expect(
            paths.map { $0.split(separator: "/").last.map(String.init) } == ["report.md", "report.json", "report.csv"]
        )
        #expect(ReportWriter.plotFileName(for: report) == nil)
        let decoded = try JSONReport.decode(try Data(contentsOf: URL(fileURLWithPath: directory + "/report.json")))
        #expect(decoded == report)

        let point = try #require(TimingSummary(samples: [1]))
        report.sweep = [SweepPoint(series: "threads", cores: 1, label: "1 threads", wall: point, speedup: 1)]
        #expect(try ReportWriter.write(report, to: directory + "/").last == directory + "/sweep.svg")
        #expect(ReportWriter.plotFileName(for: report) == "sweep.svg")
        #expect(ReportWriter.plotFileName(for: report, written: false) == nil)
    }

    @Test("a directory that cannot be made is an output error naming it")
    func unwritable() throws {
        let file = NSTemporaryDirectory() + "fanout-bench-file-\(UUID().uuidString)"
        try Data().write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let report = BenchReport(
            provenance: Provenance(date: "", commandLine: [], hosts: [], loadBefore: [], optimized: false),
            workload: WorkloadDescription(job: "noop", tasks: 1, parameters: ""),
            warmups: 0,
            repeats: 1
        )
        let error = #expect(throws: BenchError.self) { try ReportWriter.write(report, to: file + "/inside") }
        #expect(error?.code == .output)
        #expect(error?.message.hasPrefix("cannot write the report to \(file)/inside") == true)
    }
}
