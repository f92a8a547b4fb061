import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `fanout exec` driven as a user would, on local workers.
extension IntegrationSuite {
    /// A shell script printing each argument as hex on its own line: what reached the program, byte for byte.
    static let hexScript = "for a in \"$@\"; do printf %s \"$a\" | od -An -tx1 -v | tr -d ' \\n'; echo; done"

    static let tortureInputs = [
        "a b", "it's", "\"double\"", "$(touch pwned)", "`touch pwned`", "line\nbreak", "tab\there", "Grüße ✓ 日本",
        "", "*", "~", "-n", "--help", "\\", "; exit 3", "{}", "{%}", "{#}",
    ]

    static func hex(_ text: String) -> String {
        text.utf8.map { String(format: "%02x", $0) }.joined()
    }

    static func scratchDirectory(_ name: String) throws -> String {
        let directory = NSTemporaryDirectory() + "fanout-exec-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    static func execute(_ arguments: [String], in directory: String) throws -> ProcessHarness.Output {
        try ProcessHarness.run(try Self.product("fanout"), ["exec"] + arguments, directory: directory)
    }

    @Test("exec: 1,000 echo jobs, every output exact and complete, in input order with --keep-order")
    func execThousandEchoJobs() throws {
        let directory = try Self.scratchDirectory("echo")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inputs = (1...1000).map { "job-\($0)" }
        let unordered = try Self.execute(["-j", "4", "--", "echo", "out"] + [":::"] + inputs, in: directory)
        #expect(unordered.status == 0, "\(unordered.standardError)")
        let lines = unordered.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1000)
        #expect(Set(lines.map(String.init)) == Set(inputs.map { "out " + $0 }))
        #expect(unordered.standardError.isEmpty, "\(unordered.standardError)")

        let ordered = try Self.execute(
            ["-j", "4", "--keep-order", "--", "echo", "{#}", "{}"] + [":::"] + inputs,
            in: directory
        )
        #expect(ordered.status == 0, "\(ordered.standardError)")
        #expect(ordered.standardOutput == inputs.enumerated().map { "\($0.offset + 1) \($0.element)\n" }.joined())
    }

    @Test("exec: a torture set of inputs reaches the program byte for byte, from ::: and from :::: FILE")
    func execTortureInputs() throws {
        let directory = try Self.scratchDirectory("torture")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fromWords = try Self.execute(
            ["--keep-order", "--", "/bin/sh", "-c", Self.hexScript, "hex", "{}", "x{}y"] + [":::"] + Self.tortureInputs,
            in: directory
        )
        #expect(fromWords.status == 0, "\(fromWords.standardError)")
        #expect(
            fromWords.standardOutput
                == Self.tortureInputs.map { Self.hex($0) + "\n" + Self.hex("x" + $0 + "y") + "\n" }.joined()
        )
        // Lines of a file: everything but the newline itself, the empty line included.
        let lines = Self.tortureInputs.filter { !$0.contains("\n") }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/inputs"))
        let fromFile = try Self.execute(
            ["--keep-order", "--", "/bin/sh", "-c", Self.hexScript, "hex", "::::", "inputs"],
            in: directory
        )
        #expect(fromFile.status == 0, "\(fromFile.standardError)")
        #expect(fromFile.standardOutput == lines.map { Self.hex($0) + "\n" }.joined())
        #expect(!FileManager.default.fileExists(atPath: directory + "/pwned"), "an input was run by a shell")
    }

    @Test("exec: exit statuses, the failure summary, --results, --joblog, --timeout and --shell")
    func execStatusesResultsAndJobLog() throws {
        let directory = try Self.scratchDirectory("status")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try Self.execute(
            [
                "--results", "results", "--joblog", "jobs.tsv", "--timeout", "2", "--keep-order", "--",
                "/bin/sh", "-c", "echo out-$1; echo err-$1 >&2; [ $1 = slow ] && sleep 30; exit $1", "job",
                ":::", "0", "3", "slow",
            ],
            in: directory
        )
        #expect(run.status == 1)
        #expect(run.standardOutput == "out-0\nout-3\nout-slow\n")
        #expect(run.standardError.contains("err-3\n"))
        #expect(run.standardError.contains("2 of 3 jobs failed"), "\(run.standardError)")
        #expect(run.standardError.contains("job 2: exit status 3"), "\(run.standardError)")
        #expect(run.standardError.contains("job 3: timed out"), "\(run.standardError)")
        func read(_ path: String) -> String? { try? String(contentsOfFile: directory + "/" + path, encoding: .utf8) }
        #expect(read("results/1/stdout") == "out-0\n")
        #expect(read("results/2/stderr") == "err-3\n")
        #expect(read("results/2/exitval") == "3\n")
        #expect(read("results/3/signal") == "\(SIGTERM)\n")
        let log = try #require(read("jobs.tsv")).split(separator: "\n").map { $0.split(separator: "\t") }
        #expect(log.count == 4)
        #expect(
            log[0] == ["Seq", "Host", "Starttime", "JobRuntime", "Send", "Receive", "Exitval", "Signal", "Command"]
        )
        let bySequence = Dictionary(uniqueKeysWithValues: log.dropFirst().map { (String($0[0]), $0) })
        #expect(bySequence["1"]?[6] == "0")
        #expect(bySequence["2"]?[6] == "3")
        #expect(bySequence["3"]?[7] == "\(SIGTERM)")
        #expect(Double(bySequence["3"]?[3] ?? "") ?? 0 >= 1.9)

        let help = try Self.execute(["--help"], in: directory)
        #expect(help.status == 0)
        for topic in ["EXAMPLES", "{/.}", "--joblog", "--resume", "--transfer", "PR_SET_PDEATHSIG"] {
            #expect(help.standardOutput.contains(topic), "--help does not mention \(topic)")
        }

        let shell = try Self.execute(
            ["--shell", "--", "printf '%s|' {} | wc -c"] + [":::", "a b", "it's"],
            in: directory
        )
        #expect(shell.status == 0, "\(shell.standardError)")
        #expect(Set(shell.standardOutput.split(separator: "\n")) == ["4", "5"])
    }

    @Test("exec: --transfer and --return move files byte-identical; --retries runs a failed job again")
    func execTransferReturnRetry() throws {
        let directory = try Self.scratchDirectory("staging")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/in", withIntermediateDirectories: true)
        var originals: [String: Data] = [:]
        for index in 1...5 {
            let bytes = Data((0..<(index * 50_000)).map { UInt8(truncatingIfNeeded: $0 &* (index + 13)) })
            originals["in/f\(index).bin"] = bytes
            try bytes.write(to: URL(fileURLWithPath: directory + "/in/f\(index).bin"))
        }
        let run = try Self.execute(
            [
                "--transfer", "--return", "out/{/.}.copy", "--cleanup", "--", "/bin/sh", "-c",
                "mkdir -p out && cp \"$1\" \"out/$2.copy\"", "copy", "{}", "{/.}", ":::",
            ]
                + originals.keys.sorted(),
            in: directory
        )
        #expect(run.status == 0, "\(run.standardError)")
        for (path, bytes) in originals {
            let name = (path as NSString).lastPathComponent.replacingOccurrences(of: ".bin", with: ".copy")
            let returned = FileManager.default.contents(atPath: directory + "/out/" + name)
            #expect(returned == bytes, "\(name) did not come back byte-identical")
        }

        // Fails the first time (no marker yet), succeeds the second.
        let retried = try Self.execute(
            [
                "--retries", "2", "--", "/bin/sh", "-c",
                "if [ -e marker-$1 ]; then echo second-$1; else touch marker-$1; echo first >&2; exit 1; fi", "r",
                ":::", "a", "b",
            ],
            in: directory
        )
        #expect(retried.status == 0, "\(retried.standardError)")
        #expect(Set(retried.standardOutput.split(separator: "\n")) == ["second-a", "second-b"])
    }

    @Test("exec: kill -9 of the coordinator, then --resume runs exactly the jobs the joblog does not hold")
    func execResumeAfterKill() throws {
        let directory = try Self.scratchDirectory("resume")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/jobs.tsv"
        let arguments =
            ["exec", "-j", "2", "--joblog", log, "--", "/bin/sh", "-c", "sleep 0.02; echo done-$1", "j", ":::"]
            + (1...300).map(String.init)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.product("fanout"))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        func loggedLines() -> Int {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count - 1
        }
        while loggedLines() < 40, ContinuousClock.now < deadline, process.isRunning { usleep(5_000) }
        try #require(process.isRunning, "the run ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").dropFirst()
            .compactMap { Int($0.split(separator: "\t").first ?? "") }
        #expect(before.count >= 40 && before.count < 300)

        let resumed = try ProcessHarness.run(
            try Self.product("fanout"),
            Array(arguments.prefix(3)) + ["--joblog", log, "--resume"] + Array(arguments.dropFirst(5)),
            directory: directory
        )
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let ran = resumed.standardOutput.split(separator: "\n").map { Int($0.dropFirst(5))! }
        #expect(Set(ran).count == ran.count, "a job ran twice in the resumed run")
        #expect(Set(ran) == Set(1...300).subtracting(before), "the resumed run did not run exactly the missing jobs")
        let after = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").dropFirst()
            .compactMap { Int($0.split(separator: "\t").first ?? "") }
        #expect(Set(after) == Set(1...300))
        #expect(after.count == 300)
    }

    @Test("exec: SIGKILL of the worker kills its running jobs (PR_SET_PDEATHSIG); no orphan is left")
    func execJobsDieWithTheirWorker() throws {
        let directory = try Self.scratchDirectory("orphans")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let marker = "\(Int.random(in: 100_000...999_999)).5"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.product("fanout"))
        process.arguments = ["exec", "-j", "2", "--", "sleep", marker, ":::", "1", "2"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        func sleepers() -> [Int32] {
            let output = try? ProcessHarness.run("/usr/bin/pgrep", ["-f", "^sleep \(marker)"])
            return (output?.standardOutput ?? "").split(separator: "\n").compactMap { Int32($0) }
                .filter { ProcessHarness.isRunning($0) }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while sleepers().count < 2, ContinuousClock.now < deadline { usleep(20_000) }
        try #require(sleepers().count == 2, "the two jobs did not start")
        let workers = ProcessHarness.children(of: process.processIdentifier)
        try #require(!workers.isEmpty, "no local worker process found")
        for worker in workers { kill(worker, SIGKILL) }
        #expect(ProcessHarness.waitForExit(of: sleepers(), timeout: .seconds(10)) != nil, "jobs outlived their worker")
    }

    @Test("exec: kill -9 of the coordinator: its workers exit and kill their running jobs' process groups")
    func execJobsDieWithTheCoordinator() throws {
        let directory = try Self.scratchDirectory("orphans-coordinator")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let marker = "\(Int.random(in: 100_000...999_999)).25"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.product("fanout"))
        // A shell with a background child: the group kill, not only the kernel's parent-death signal, must end it.
        process.arguments =
            ["exec", "-j", "2", "--", "/bin/sh", "-c", "sleep \(marker) & sleep \(marker); wait", "x"]
            + [":::", "1", "2"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        func sleepers() -> [Int32] {
            let output = try? ProcessHarness.run("/usr/bin/pgrep", ["-f", "^sleep \(marker)"])
            return (output?.standardOutput ?? "").split(separator: "\n").compactMap { Int32($0) }
                .filter { ProcessHarness.isRunning($0) }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while sleepers().count < 4, ContinuousClock.now < deadline { usleep(20_000) }
        let running = sleepers()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try #require(running.count == 4, "the jobs did not start: \(running)")
        #expect(ProcessHarness.waitForExit(of: running, timeout: .seconds(10)) != nil, "jobs outlived the coordinator")
    }
}
