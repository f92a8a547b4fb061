import Foundation

/// Helpers for tests that drive the `fanout` executable as a user would.
enum ProcessHarness {
    /// A process-level test step that did not happen in time.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs a command to completion, or kills it with SIGKILL after `timeout` (the test then sees status 137 or a
    /// signal, never a hang).
    static func run(
        _ path: String,
        _ arguments: [String],
        directory: String? = nil,
        timeout: Duration = .seconds(300)
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let finished = LockedData()
        let watchdog = Thread {
            let deadline = ContinuousClock.now + timeout
            while !finished.isSet && ContinuousClock.now < deadline { usleep(20_000) }
            if !finished.isSet { kill(pid, SIGKILL) }
        }
        watchdog.start()
        defer { finished.set(Data()) }
        // Read both pipes concurrently so neither fills up.
        let errorData = LockedData()
        let reader = Thread { errorData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1_000) }
        return Output(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData.value, as: UTF8.self)
        )
    }

    /// Reads from `pipe` until a full line has arrived, the writer closed it, or `timeout` passed.
    /// - Returns: Everything read so far.
    @discardableResult
    static func waitForFirstLine(of pipe: Pipe, timeout: Duration = .seconds(30)) -> Data {
        var seen = Data()
        let deadline = ContinuousClock.now + timeout
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        while !seen.contains(UInt8(ascii: "\n")) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { break }
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + 1)
            guard poll(&ready, 1, milliseconds) > 0 else { break }
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        return seen
    }

    /// Waits for `process` to exit within `timeout`; past it, kills it with SIGKILL and reports a timeout.
    /// - Returns: `true` when it exited by itself in time.
    @discardableResult
    static func waitUntilExit(_ process: Process, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }

    /// Child processes of `pid`, from /proc.
    static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap(Int32.init).filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    /// Whether `pid` is still a running process (a zombie counts as exited).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(close, offsetBy: 2)...].first
        return state != "Z" && state != "X"
    }

    /// Polls until every pid has exited or `timeout` passes; returns the time it took, or nil on timeout.
    static func waitForExit(of pids: [Int32], timeout: Duration) -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if pids.allSatisfy({ !Self.isRunning($0) }) { return ContinuousClock.now - start }
            usleep(10_000)
        }
        return nil
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ value: Data) {
        self.lock.withLock {
            self.data = value
            self.done = true
        }
    }
    var isSet: Bool { self.lock.withLock { self.done } }
    var value: Data { self.lock.withLock { self.data } }
}
