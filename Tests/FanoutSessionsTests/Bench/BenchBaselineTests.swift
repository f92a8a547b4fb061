import FanoutBench
import FanoutSessions
import Foundation
import Testing

struct BenchBaselineTests {
    static func report(job: String = "sum-squares", parameters: String, tasks: Int) -> BenchReport {
        BenchReport(
            provenance: Provenance(
                date: "2026-12-04",
                commandLine: ["fanout", "bench"],
                hosts: [],
                loadBefore: [],
                optimized: true
            ),
            workload: WorkloadDescription(job: job, tasks: tasks, parameters: parameters),
            warmups: 0,
            repeats: 5
        )
    }

    /// A directory holding a report.json of `report`.
    static func directory(with report: BenchReport) throws -> String {
        let directory = NSTemporaryDirectory() + "fanout-baseline-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try JSONReport.encode(report).write(to: URL(fileURLWithPath: directory + "/report.json"))
        return directory
    }

    @Test("a baseline is read from its report.json or from the directory holding it")
    func fileOrDirectory() throws {
        let workload = SumSquaresWorkload(tasks: 4)
        let directory = try Self.directory(
            with: Self.report(parameters: workload.parameters, tasks: workload.taskCount)
        )
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try BenchBaseline(contentsOf: directory).path == directory + "/report.json")
        #expect(try BenchBaseline(contentsOf: directory + "/report.json").path == directory + "/report.json")
        try BenchBaseline(contentsOf: directory).check(workload, request: BenchRequest(modes: [.sequential]))
    }

    @Test("a missing or foreign baseline file is an unreadable baseline")
    func unreadable() throws {
        let missing = NSTemporaryDirectory() + "fanout-no-baseline-\(UUID().uuidString)"
        let error = #expect(throws: BenchError.self) { try BenchBaseline(contentsOf: missing) }
        #expect(error?.code == .unreadableBaseline)
        #expect(error?.message.contains("no such file: \(missing)") == true)
        let file = missing + ".json"
        try Data("{\"not\": \"a report\"}".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let foreign = #expect(throws: BenchError.self) { try BenchBaseline(contentsOf: file) }
        #expect(foreign?.code == .unreadableBaseline)
        #expect(foreign?.message.contains("is not a fanout bench report.json") == true)
    }

    @Test("before the run, another kernel or other options are refused, naming each difference")
    func refusedEarly() throws {
        let directory = try Self.directory(with: Self.report(job: "primes", parameters: "limit=10", tasks: 9))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let baseline = try BenchBaseline(contentsOf: directory)
        let workload = SumSquaresWorkload(tasks: 4)
        let error = #expect(throws: BenchError.self) {
            try baseline.check(workload, request: BenchRequest(modes: [.sequential]))
        }
        #expect(error?.code == .notComparable)
        #expect(
            error?.message.hasPrefix("cannot compare: kernel differs (baseline `primes`, this run `sum-squares`)")
                == true
        )
        #expect(error?.message.contains("tasks differs (baseline `9`, this run `4`)") == true)
    }
}
