import FanoutProtocol
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Worker {
    /// The first pause between two connection attempts; it doubles up to ``longestRetryPause``.
    static let firstRetryPause: Duration = .milliseconds(50)
    /// The longest pause between two connection attempts.
    static let longestRetryPause: Duration = .seconds(1)

    /// Runs `attempt` until it succeeds, fails for a reason another try would not change, or the connect timeout
    /// (all attempts together) has passed.
    ///
    /// Anyone can connect to the coordinator's port, and under a flood the coordinator makes room by closing the
    /// connections that made the least progress: a worker can be dropped before its welcome through no fault of its
    /// own. It dials again, after a growing pause with jitter. Once welcomed (`attempt` calls its argument), a lost
    /// connection ends the worker as before: the coordinator has already counted it and replaces it if needed.
    /// - Parameters:
    ///   - configuration: The worker's configuration; each attempt gets what is left of its connect timeout.
    ///   - attempt: Connects once with the given configuration; calls `welcomed` once the handshake is through.
    /// - Returns: What the successful attempt returns.
    /// - Throws: The last attempt's error.
    static func retryingConnect<Result: Sendable>(
        configuration: WorkerConfiguration,
        _ attempt: (_ configuration: WorkerConfiguration, _ welcomed: () -> Void) async throws -> Result
    ) async throws -> Result {
        // Range-checked on the command line; bounded here too, so no conversion below can trap.
        let configured = configuration.connectTimeoutSeconds
        let seconds = configured.isFinite ? min(max(configured, 0), 86_400) : 10
        let timeout = Duration.milliseconds(Int64(seconds * 1000))
        let deadline = ContinuousClock.now + timeout
        var pause = Self.firstRetryPause
        while true {
            var current = configuration
            let left = deadline - ContinuousClock.now
            current.connectTimeoutSeconds = max(
                0.05,
                Double(left.components.seconds) + Double(left.components.attoseconds) * 1e-18
            )
            var welcomed = false
            do {
                return try await attempt(current) { welcomed = true }
            } catch {
                // Over standard input and output there is nothing to dial again.
                guard !welcomed, !configuration.overStandardIO, Self.isWorthRetrying(error),
                    ContinuousClock.now + pause < deadline, !Task.isCancelled
                else { throw error }
                let jitter = pause * Double.random(in: 0...0.5)
                try await Task.sleep(for: pause + jitter)
                pause = min(pause * 2, Self.longestRetryPause)
            }
        }
    }

    /// Whether a failed connection attempt may succeed if tried again: the connection was refused, reset, closed
    /// or timed out before the handshake finished. A refusal by the coordinator, a wrong secret, binary or
    /// certificate would fail the same way again.
    static func isWorthRetrying(_ error: any Error) -> Bool {
        if let error = error as? ProtocolError {
            return [.timedOut, .connectionClosed, .tlsFailed].contains(error.code)
        }
        if let error = error as? IOError {
            return [ECONNREFUSED, ECONNRESET, EPIPE, ECONNABORTED, ETIMEDOUT].contains(error.errnoCode)
        }
        if error is NIOConnectionError { return true }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout, .ioOnClosedChannel, .eof, .alreadyClosed, .outputClosed: return true
            default: return false
            }
        }
        return false
    }
}
