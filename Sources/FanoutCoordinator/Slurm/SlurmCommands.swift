import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs Slurm's client commands (`scontrol`, `sinfo`, `scancel`, `salloc`) found on `PATH`, collecting their output.
///
/// A failure exit is a result, not an error (the caller decides what it means); only a command that cannot start
/// throws.
public struct SlurmCommands: Sendable {
    /// What a finished command printed and how it ended.
    public struct Output: Sendable {
        /// The exit status, or `nil` when a signal ended it.
        public var status: Int32?
        /// Standard output.
        public var standardOutput: String
        /// Standard error.
        public var standardError: String
        /// Whether it exited 0.
        public var succeeded: Bool { self.status == 0 }
    }

    /// The most bytes of each output stream kept: 4 MiB, far more than `sinfo` prints for thousands of nodes.
    public static let outputLimit = 4 << 20

    /// Creates a runner.
    public init() {}

    /// Runs `tool` with `arguments` to its end.
    /// - Parameters:
    ///   - tool: The command's name, looked up on `PATH`.
    ///   - arguments: Its arguments.
    /// - Returns: Its status and output.
    /// - Throws: ``SlurmError`` with code `commandMissing` when it cannot be started.
    public func run(_ tool: String, _ arguments: [String]) async throws(SlurmError) -> Output {
        do {
            let result = try await Subprocess.run(
                .name(tool),
                arguments: Arguments(arguments),
                input: .none,
                output: .string(limit: Self.outputLimit),
                error: .string(limit: Self.outputLimit)
            )
            let status: Int32?
            switch result.terminationStatus {
            case .exited(let code): status = code
            case .signaled: status = nil
            }
            return Output(
                status: status,
                standardOutput: result.standardOutput,
                standardError: result.standardError
            )
        } catch {
            throw SlurmError(.commandMissing, "cannot run \(tool) (is Slurm installed and on PATH?): \(error)")
        }
    }

    /// Runs `tool` and returns its standard output, throwing when it fails.
    /// - Parameters:
    ///   - tool: The command's name.
    ///   - arguments: Its arguments.
    /// - Returns: Its standard output.
    /// - Throws: ``SlurmError`` with code `commandMissing` or `commandFailed` (with its standard error).
    public func output(_ tool: String, _ arguments: [String]) async throws(SlurmError) -> String {
        let result = try await self.run(tool, arguments)
        guard result.succeeded else {
            let status = result.status.map { "exit status \($0)" } ?? "a signal"
            let detail = result.standardError.split(separator: "\n").last.map { ": \($0)" } ?? ""
            throw SlurmError(
                .commandFailed,
                "\(([tool] + arguments).joined(separator: " ")) ended with \(status)\(detail)"
            )
        }
        return result.standardOutput
    }
}
