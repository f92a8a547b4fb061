import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension IntegrationSuite {
    /// `(task, result)` of every jsonl line, and how many lines there were.
    static func taskResults(ofJSONLines text: String) throws -> (pairs: [Int: Int], lines: Int) {
        var pairs: [Int: Int] = [:]
        var lines = 0
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let task = try #require(object["task"] as? Int)
            #expect(pairs[task] == nil, "task \(task) printed twice")
            pairs[task] = try #require(object["result"] as? Int, "task \(task): \(line)")
            lines += 1
        }
        return (pairs, lines)
    }

    /// Starts `fanout` with `arguments` and `--journal journal`, and kills it with SIGKILL once the journal holds
    /// `bytes` bytes, mid-run.
    /// - Returns: The coordinator's child processes (local workers) at the moment it was killed.
    static func killOnceJournalHolds(_ bytes: Int, journal: String, arguments: [String]) throws -> [Int32] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.product("fanout"))
        process.arguments = arguments + ["--journal", journal]
        process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        var size = 0
        while size < bytes, ContinuousClock.now < deadline, process.isRunning {
            usleep(5_000)
            size = (try? FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int) ?? 0
        }
        let workers = ProcessHarness.children(of: process.processIdentifier)
        try #require(process.isRunning, "the run ended before it could be killed; make the tasks longer")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return workers
    }

    @Test("kill -9 of the coordinator mid-run, then --resume: 10^4 tasks, output identical to a clean run, no orphans")
    func killCoordinatorThenResume() throws {
        let fanout = try Self.product("fanout")
        let directory = NSTemporaryDirectory() + "fanout-resume-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = directory + "/run.journal"
        let workload = ["run", "primes", "--limit", "6000000", "--tasks", "10000", "--workers", "2"]

        let clean = try ProcessHarness.run(fanout, workload + ["--format", "jsonl", "--ordered"], directory: directory)
        #expect(clean.status == 0, "\(clean.standardError)")
        let expected = try Self.taskResults(ofJSONLines: clean.standardOutput)
        #expect(expected.lines == 10_000)

        // The interrupted run: killed with SIGKILL once the journal holds a few hundred records.
        let workers = try Self.killOnceJournalHolds(
            30_000,
            journal: journal,
            arguments: workload + ["--format", "jsonl"]
        )
        #expect(!workers.isEmpty)
        #expect(ProcessHarness.waitForExit(of: workers, timeout: .seconds(10)) != nil, "orphaned workers")

        let resumed = try ProcessHarness.run(
            fanout,
            workload + ["--format", "jsonl", "--ordered", "--journal", journal, "--resume"],
            directory: directory
        )
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let got = try Self.taskResults(ofJSONLines: resumed.standardOutput)
        #expect(got.lines == 10_000)
        #expect(got.pairs == expected.pairs)
        // Task order of the --ordered output is input order, as in the clean run.
        let order = resumed.standardOutput.split(separator: "\n").prefix(3).map { String($0.prefix(12)) }
        #expect(order == ["{\"task\":0,\"w", "{\"task\":1,\"w", "{\"task\":2,\"w"])
        let replayed = try #require(
            resumed.standardError.split(separator: "\n").first { $0.contains("results replayed") }
        )
        // Some results came from the journal and the rest ran now, and the two add up.
        #expect(!replayed.contains(": 0 results replayed"), "\(replayed)")
        #expect(!replayed.contains(", 0 recorded now"), "\(replayed)")

        // A third run over the complete journal computes nothing and prints the same results.
        let again = try ProcessHarness.run(
            fanout,
            workload + ["--format", "jsonl", "--journal", journal, "--resume"],
            directory: directory
        )
        #expect(again.status == 0, "\(again.standardError)")
        #expect(try Self.taskResults(ofJSONLines: again.standardOutput).pairs == expected.pairs)
        #expect(again.standardError.contains("10000 results replayed from earlier runs, 0 recorded now"))
    }

    @Test("--journal /dev/zero, a FIFO or a directory exits 2 at once with a message (it aborted on a 2 GB allocation)")
    func journalOnNonRegularFileRefused() throws {
        let fanout = try Self.product("fanout")
        let directory = NSTemporaryDirectory() + "fanout-journal-kinds-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(mkfifo(directory + "/fifo", 0o600) == 0)
        for (path, phrase) in [("/dev/zero", "a device"), (directory + "/fifo", "a FIFO"), (directory, "a directory")] {
            for resume in [[], ["--resume"]] {
                let result = try ProcessHarness.run(
                    fanout,
                    ["run", "noop", "--tasks", "4", "--workers", "1", "--journal", path] + resume,
                    directory: directory,
                    timeout: .seconds(30)
                )
                #expect(result.status == 2, "\(path) \(resume): \(result.standardError)")
                #expect(result.standardError.contains(phrase), "\(path): \(result.standardError)")
            }
        }
    }

    @Test("--resume of a journal with a damaged header exits 2 and leaves it byte for byte (it was wiped)")
    func damagedHeaderRefusedByTheCommand() throws {
        let fanout = try Self.product("fanout")
        let directory = NSTemporaryDirectory() + "fanout-journal-header-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = directory + "/run.journal"
        let workload = ["run", "primes", "--limit", "100000", "--tasks", "20", "--workers", "1", "--journal", journal]
        // Written under umask 0: the journal is still private.
        let previous = umask(0)
        let first = try ProcessHarness.run(fanout, workload, directory: directory, timeout: .seconds(120))
        umask(previous)
        #expect(first.status == 0, "\(first.standardError)")
        var info = stat()
        #expect(stat(journal, &info) == 0 && info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode, radix: 8))")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: journal)))
        bytes[12] ^= 0x20  // the header's checksum
        try Data(bytes).write(to: URL(fileURLWithPath: journal))
        let resumed = try ProcessHarness.run(
            fanout,
            workload + ["--resume"],
            directory: directory,
            timeout: .seconds(60)
        )
        #expect(resumed.status == 2, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("header is damaged"), "\(resumed.standardError)")
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: journal))) == bytes)
    }

    @Test("--joblog is created 0600 under umask 0; --resume-failed does not take malformed lines as done jobs")
    func jobLogPrivateAndStrict() throws {
        let fanout = try Self.product("fanout")
        let directory = NSTemporaryDirectory() + "fanout-joblog-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/jobs.tsv"
        let previous = umask(0)
        let first = try ProcessHarness.run(
            fanout,
            ["exec", "--joblog", log, "-j", "2", "--", "sh", "-c", "exit $1", "sh", "{}", ":::", "0", "1", "0"],
            directory: directory,
            timeout: .seconds(60)
        )
        umask(previous)
        #expect(first.status != 0, "job 2 exits 1")
        var info = stat()
        #expect(stat(log, &info) == 0 && info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode, radix: 8))")
        // Lines a careless reader would take for "job 2 succeeded": a signed sequence, a NaN time, an extra field.
        let forged = [
            "+2\thost\t0.000\t0.000\t0\t0\t0\t0\tforged", "2\thost\tnan\t0.000\t0\t0\t0\t0\tforged",
            "2\thost\t0.000\t0.000\t0\t0\t0\t0\tforged\textra",
        ]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        handle.write(Data((forged.joined(separator: "\n") + "\n").utf8))
        try handle.close()
        let again = try ProcessHarness.run(
            fanout,
            [
                "exec", "--joblog", log, "--resume-failed", "-j", "2", "--", "sh", "-c", "exit $1", "sh", "{}", ":::",
                "0",
                "1", "0",
            ],
            directory: directory,
            timeout: .seconds(60)
        )
        #expect(again.standardError.contains("2 of 3 jobs are done, 1 to run"), "\(again.standardError)")
    }
}
