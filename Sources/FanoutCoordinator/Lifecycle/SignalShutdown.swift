import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an operation in a ``ServiceGroup`` that a signal (Ctrl-C's SIGINT, SIGTERM) shuts down gracefully: a
/// cluster started inside the operation hears of it through the group and stops in order (its runs end with what
/// they have, every worker is stopped and waited for), and the operation returns what it has.
///
/// ```swift
/// let outcome = try await SignalShutdown.run(
///     onSignal: { signal, count in
///         if count > 1 { exit(130) }
///         print("stopping workers (press Ctrl-C again to exit at once)")
///     },
///     operation: { try await Cluster.withCluster(options) { cluster in … } }
/// )
/// ```
///
/// The signals are watched for the whole operation, graceful shutdown included, so the caller hears of a second
/// one too: ServiceGroup's own `gracefulShutdownSignals` stop listening after the first signal, and its
/// `cancellationSignals` may not share a signal with them, so neither could make "press Ctrl-C again" work.
public enum SignalShutdown {
    /// Runs `operation`; the first of `signals` starts a graceful shutdown of the group it runs in.
    /// - Parameters:
    ///   - signals: The signals that shut the operation down.
    ///   - logger: The group's logger (it logs at debug level only).
    ///   - onSignal: Told of each signal caught, with how many have been caught so far (1 for the first), before
    ///     the shutdown starts. What to do past the first (e.g. exit at once) is the caller's.
    ///   - operation: The work. It is not cancelled: what runs inside it hears of the graceful shutdown (a
    ///     ``Cluster`` does) and ends it.
    /// - Returns: What `operation` returns.
    /// - Throws: What `operation` throws; `CancellationError` when the task was cancelled before it ended.
    public static func run<Result: Sendable>(
        signals: [UnixSignal] = [.sigint, .sigterm],
        logger: Logger = Logger(label: "fanout.lifecycle"),
        onSignal: @escaping @Sendable (_ signal: UnixSignal, _ count: Int) -> Void,
        operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        // Until Dispatch's sources are registered a signal would kill the process; on Linux UnixSignalsSequence
        // leaves that window open. Put back what was there afterwards.
        let previous = signals.map { signal($0.rawValue, SIG_IGN) }
        defer {
            for (index, unixSignal) in signals.enumerated() { signal(unixSignal.rawValue, previous[index]) }
        }
        let caught = await UnixSignalsSequence(trapping: signals)
        let operationService = OperationService(name: "operation", cancelsOnGracefulShutdown: false, operation)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: operationService, successTerminationBehavior: .gracefullyShutdownGroup)],
                logger: logger
            )
        )
        let groupError: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    var count = 0
                    for await unixSignal in caught {
                        count += 1
                        onSignal(unixSignal, count)
                        if count == 1 { await group.triggerGracefulShutdown() }
                    }
                }
                // The group ends with the operation; the signal watcher only when cancelled.
                try await tasks.next()
                tasks.cancelAll()
            }
            groupError = nil
        } catch {
            groupError = error
        }
        if let result = operationService.result { return try result.get() }
        throw groupError ?? CancellationError()
    }
}
