import ArgumentParser
import FanoutCoordinator
import FanoutSessions

/// The one mapping from how a command ended to its exit status: 0 every task succeeded, 1 some tasks failed, 2
/// usage or configuration error, 130 interrupted. Used by run, exec, bench, hosts and deploy.
enum ExitStatus {
    /// Usage or configuration error.
    static let usage: Int32 = 2
    /// Some tasks (or hosts) failed.
    static let failure: Int32 = 1
    /// Interrupted by SIGINT or SIGTERM.
    static let interrupted: Int32 = 130

    /// The status and the line for stderr of an error that ended a command, when it is one of ours.
    /// - Parameter error: What the command threw.
    /// - Returns: `nil` for errors ArgumentParser maps itself (usage errors, `ExitCode`, help).
    static func of(_ error: any Error) -> (status: Int32, message: String)? {
        switch error {
        case let error as SessionError: (Self.usage, "fanout: \(error.message)")
        case let error as BenchError: (Self.usage, "fanout bench: \(error.message)")
        case let error as ExecSessionError: (Self.usage, "fanout exec: \(error.message)")
        default: nil
        }
    }

    /// The status a run that streamed task results ends with.
    /// - Parameters:
    ///   - error: What stopped the run early, if anything.
    ///   - finished: Tasks that finished (succeeded or failed).
    ///   - failed: Tasks that failed.
    /// - Returns: 0, 1, 2 or 130.
    static func ofRun(stoppedBy error: (any Error)?, finished: Int, failed: Int) -> Int32 {
        if let error {
            if let clusterError = error as? ClusterError, clusterError.code == .cancelled { return Self.interrupted }
            if error is CancellationError { return Self.interrupted }
            return finished > 0 ? Self.failure : Self.usage
        }
        return failed > 0 ? Self.failure : 0
    }

    /// Throws `ExitCode(status)` unless `status` is 0, so `run()` ends with it.
    /// - Parameter status: The status to exit with.
    /// - Throws: `ExitCode` for a non-zero status.
    static func exit(with status: Int32) throws {
        if status != 0 { throw ExitCode(status) }
    }
}
