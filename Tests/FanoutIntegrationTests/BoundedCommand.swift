import Foundation

/// Runs `fanout` with a deadline and an optional environment, for tests whose command would, on a broken build,
/// start a run that never ends (a `--limit` of 2⁶⁴ primes) instead of exiting at once.
enum BoundedCommand {
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
        /// Whether the deadline passed and the process was killed.
        var timedOut: Bool
    }

    /// Runs `path` with `arguments`, killing it after `timeout`.
    static func run(
        _ path: String,
        _ arguments: [String],
        directory: String? = nil,
        environment: [String: String]? = nil,
        timeout: Duration = .seconds(30)
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outputData = LockedData()
        let errorData = LockedData()
        let outputReader = Thread { outputData.set(out.fileHandleForReading.readDataToEndOfFile()) }
        let errorReader = Thread { errorData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        outputReader.start()
        errorReader.start()
        let started = ContinuousClock.now
        var timedOut = false
        while process.isRunning {
            if ContinuousClock.now - started > timeout {
                timedOut = true
                // Workers die with their coordinator (PR_SET_PDEATHSIG), closing the pipes they inherited.
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        let readDeadline = ContinuousClock.now + .seconds(5)
        while !(outputData.isSet && errorData.isSet) && ContinuousClock.now < readDeadline { usleep(1_000) }
        return Output(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData.value, as: UTF8.self),
            standardError: String(decoding: errorData.value, as: UTF8.self),
            timedOut: timedOut
        )
    }

    /// A fresh directory under the temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "fanout-h6-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
