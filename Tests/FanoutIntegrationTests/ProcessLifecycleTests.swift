import Foundation
import Testing

extension IntegrationSuite {
    /// Starts `fanout run sleep` with 2 workers and waits until both worker processes exist and results flow.
    private static func startLongRun(directory: String, extra: [String] = []) throws -> (Process, [Int32], Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.product("fanout"))
        process.arguments =
            [
                "run", "sleep", "--tasks", "5000", "--milliseconds", "20", "--workers", "2", "--format", "jsonl",
            ] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The first result line means both sides are up.
        let first = ProcessHarness.waitForFirstLine(of: out, timeout: .seconds(30))
        guard first.contains(UInt8(ascii: "\n")) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ProcessHarness.Failure("no result line from `fanout run sleep` within 30 s")
        }
        var workers: [Int32] = []
        let start = ContinuousClock.now
        while workers.count < 2 && ContinuousClock.now - start < .seconds(10) {
            workers = ProcessHarness.children(of: process.processIdentifier)
            usleep(10_000)
        }
        return (process, workers, out)
    }

    @Test("workers exit within 2 s after their coordinator is killed with SIGKILL")
    func workersExitWhenCoordinatorDies() throws {
        let directory = NSTemporaryDirectory()
        let (process, workers, out) = try Self.startLongRun(directory: directory)
        #expect(workers.count == 2)
        kill(process.processIdentifier, SIGKILL)
        #expect(ProcessHarness.waitUntilExit(process, timeout: .seconds(10)))
        let took = ProcessHarness.waitForExit(of: workers, timeout: .seconds(2))
        #expect(took != nil, "workers \(workers) still running 2 s after the coordinator died")
        try? out.fileHandleForReading.close()
    }

    @Test(
        "Ctrl-C (SIGINT) or SIGTERM stops the run, flushes the journal, exits 130 and leaves no worker behind",
        arguments: [SIGINT, SIGTERM]
    )
    func interruptLeavesNoProcess(signal: Int32) throws {
        let journal = NSTemporaryDirectory() + "interrupted-\(UUID().uuidString).journal"
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let (process, workers, out) = try Self.startLongRun(
            directory: NSTemporaryDirectory(),
            extra: ["--journal", journal]
        )
        #expect(workers.count == 2)
        // Keep draining stdout so the coordinator never blocks on a full pipe.
        let printed = LockedData()
        let drain = Thread { printed.set(out.fileHandleForReading.readDataToEndOfFile()) }
        drain.start()
        usleep(300_000)
        kill(process.processIdentifier, signal)
        #expect(ProcessHarness.waitUntilExit(process, timeout: .seconds(15)), "no exit 15 s after the signal")
        #expect(process.terminationStatus == 130)
        #expect(ProcessHarness.waitForExit(of: workers, timeout: .seconds(5)) != nil)
        let drained = ContinuousClock.now + .seconds(10)
        while !printed.isSet && ContinuousClock.now < drained { usleep(1_000) }
        #expect(printed.isSet, "stdout still open 10 s after the coordinator exited")
        // Every result printed before the exit is in the journal: a resume would not run those tasks again.
        let lines = String(decoding: printed.value, as: UTF8.self).split(separator: "\n").count
        #expect(lines > 0)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int)
        // A record of a sleep result takes more than 40 bytes.
        #expect(size > 40 * lines, "journal of \(size) bytes for \(lines) printed results")
    }
}
