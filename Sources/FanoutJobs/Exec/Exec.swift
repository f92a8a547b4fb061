import FanoutProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs an existing program, GNU Parallel style: the `fanout exec` command's job.
///
/// The program gets its arguments byte for byte (no shell on the worker; `fanout exec --shell` sends `sh -c …`
/// explicitly), `/dev/null` as standard input, the worker's environment plus the forwarded variables, and
/// `PARALLEL_SEQ`/`PARALLEL_JOBSLOT` as GNU Parallel sets them. It runs in its own process group, killed at the
/// time limit and when the worker goes away. A non-zero exit is a result, not an error: the job only throws when its
/// input is malformed.
public enum Exec: Job {
    public static let name = "exec"

    /// Stages the files, runs the program, collects its output and the files to return.
    /// - Parameter input: The program, its arguments and what to stage.
    /// - Returns: What the program wrote, how it ended, the returned files.
    public static func run(_ input: ExecInput) throws -> ExecOutput {
        let slot = ExecSlot.current
        var output = ExecOutput(startMilliseconds: Self.wallClockMilliseconds(), slot: slot)
        let started = MonotonicClock.milliseconds()
        var staging: ExecStaging?
        if input.ownDirectory {
            do {
                staging = try ExecStaging(for: input)
            } catch {
                output.stagingError = error.message
                output.exitStatus = 255
                output.standardError = Array("fanout-worker: \(error.message)\n".utf8)
                return output
            }
        }
        let environment =
            input.environment + [Array("PARALLEL_SEQ=\(input.sequence)".utf8), Array("PARALLEL_JOBSLOT=\(slot)".utf8)]
        let process = ExecProcess(
            arguments: input.arguments.map { $0.resolved(slot: slot) },
            environment: environment,
            directory: staging?.directory,
            timeoutMilliseconds: input.timeoutMilliseconds,
            maximumOutputBytes: input.maximumOutputBytes
        )
        let ending = process.run()
        output.runtimeNanoseconds = UInt64(max(0, MonotonicClock.milliseconds() - started)) * 1_000_000
        output.standardOutput = ending.standardOutput
        output.standardError = ending.standardError
        output.exitStatus = ending.exitStatus
        output.signal = ending.signal
        output.timedOut = ending.timedOut
        if ending.truncated { output.stagingError = "output too large" }
        if let staging {
            let room = max(0, input.maximumOutputBytes) - output.standardOutput.count - output.standardError.count
            output.returned = staging.collect(input.returns, limit: max(0, room))
            if input.cleanup { staging.remove(staged: input.files) }
        }
        return output
    }

    private static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
