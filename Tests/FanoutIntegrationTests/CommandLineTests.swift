import Foundation
import Testing

extension IntegrationSuite {
    private static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "fanout-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("fanout run --format jsonl prints one object per task with task, worker, host and result")
    func jsonLinesOutput() throws {
        let fanout = try Self.product("fanout")
        let output = try ProcessHarness.run(
            fanout,
            ["run", "primes", "--limit", "1000", "--tasks", "4", "--workers", "2", "--format", "jsonl"],
            directory: try Self.temporaryDirectory()
        )
        #expect(output.status == 0, "\(output.standardError)")
        let lines = output.standardOutput.split(separator: "\n")
        #expect(lines.count == 4)
        var tasks: [Int] = []
        var total = 0
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            tasks.append(try #require(object["task"] as? Int))
            #expect((object["worker"] as? String)?.hasPrefix("local-") == true)
            #expect(object["host"] is String)
            total += try #require(object["result"] as? Int)
        }
        #expect(tasks.sorted() == [0, 1, 2, 3])
        #expect(total == 168)
        #expect(output.standardError.contains("primes below 1000: 168"))
    }

    @Test("fanout run --speedup prints sequential and parallel times, the speedup and a result check")
    func speedupReport() throws {
        let output = try ProcessHarness.run(
            try Self.product("fanout"),
            ["run", "sum-squares", "--tasks", "8", "--n", "200000", "--workers", "2", "--speedup", "--summary-only"],
            directory: try Self.temporaryDirectory()
        )
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.contains("sequential (1 thread, in this process):"))
        #expect(output.standardOutput.contains("speedup:"))
        #expect(output.standardOutput.contains("results identical to the sequential run: yes"))
        #expect(output.standardOutput.contains("8 correct, 0 wrong"))
    }

    @Test("a bad cluster file exits 2 naming file, line, column and field")
    func badClusterFileExitsTwo() throws {
        let directory = try Self.temporaryDirectory()
        let path = directory + "/bad.yaml"
        try "scheduling:\n  prefech: 4\n".write(toFile: path, atomically: true, encoding: .utf8)
        let output = try ProcessHarness.run(
            try Self.product("fanout"),
            ["run", "noop", "--tasks", "3", "--cluster", path]
        )
        #expect(output.status == 2)
        #expect(output.standardError.contains("bad.yaml:2:3: field 'scheduling.prefech'"))
        #expect(output.standardError.contains("did you mean 'prefetch'"))
    }

    @Test("usage errors exit 2; a named missing cluster file exits 2; a summary that cannot be written exits 2")
    func exitStatuses() throws {
        let fanout = try Self.product("fanout")
        let directory = try Self.temporaryDirectory()
        #expect(try ProcessHarness.run(fanout, ["run", "primes", "--tasks", "0"]).status == 2)
        #expect(try ProcessHarness.run(fanout, ["run", "no-such-job"]).status == 2)
        let missing = try ProcessHarness.run(fanout, ["run", "noop", "--cluster", directory + "/missing.yaml"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("fanout: \(directory)/missing.yaml"), "\(missing.standardError)")
        let unwritable = try ProcessHarness.run(
            fanout,
            [
                "run", "mandelbrot", "--width", "4", "--height", "2", "--output", "/nonexistent-dir/x.pgm", "--workers",
                "1",
            ],
            directory: directory
        )
        #expect(unwritable.status == 2, "\(unwritable.standardError)")
        #expect(unwritable.standardError.contains("fanout: cannot write /nonexistent-dir/x.pgm"))
        let help = try ProcessHarness.run(fanout, ["run", "primes", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--limit"))
    }

    @Test("tasks that really fail on a worker exit exactly 1, and the summary lists them")
    func failedTasksExitOne() throws {
        let directory = try Self.temporaryDirectory()
        // The hostile-text worker answers every odd task as failed and every even one honestly.
        let fanout = try Self.fanoutWithLyingWorkers(in: directory)
        let output = try ProcessHarness.run(
            "/usr/bin/env",
            ["FANOUT_ATTACK=hostile-text", fanout, "run", "noop", "--tasks", "4", "--workers", "1", "--summary-only"],
            directory: directory,
            timeout: .seconds(60)
        )
        #expect(output.status == 1, "\(output.status): \(output.standardError)")
        #expect(output.standardOutput.contains("4 of 4 tasks done, 2 ok, 2 failed"), "\(output.standardOutput)")
        #expect(output.standardOutput.contains("failed tasks (first 2):"))
    }
}

extension IntegrationSuite {
    @Test("the Examples program runs its own job on 2 copies of itself and finds the known Collatz record")
    func userDefinedJobExample() throws {
        let output = try ProcessHarness.run(try Self.product("UserDefinedJob"), [])
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.contains("starts at 1723519: 556 steps"))
        #expect(output.standardOutput.contains("on local-1"))
        #expect(output.standardOutput.contains("on local-2"))
    }
}
