import NIOConcurrencyHelpers
import ServiceLifecycle

/// Runs one operation as a service and keeps what it returned or threw, for the caller of the group to hand on.
///
/// In a cluster's group it runs the caller's body of ``Cluster/withCluster(_:_:)`` as the last service, so it is
/// the first one a graceful shutdown reaches: the body is cancelled (its runs end with what they have), then the
/// launchers stop the workers, then the listener and the scheduler stop. When the body returns or throws, the
/// group shuts down the same way.
final class OperationService<Result: Sendable>: Service, CustomStringConvertible, Sendable {
    private let operation: @Sendable () async throws -> Result
    private let cancelsOnGracefulShutdown: Bool
    private let outcome = NIOLockedValueBox<Swift.Result<Result, any Error>?>(nil)
    let description: String

    /// - Parameters:
    ///   - name: The service's name in the group's logs.
    ///   - cancelsOnGracefulShutdown: Cancel the operation when the group shuts down gracefully; otherwise the
    ///     operation is left to hear of the shutdown itself (a cluster's group inside it does).
    ///   - operation: The work.
    init(
        name: String,
        cancelsOnGracefulShutdown: Bool,
        _ operation: @escaping @Sendable () async throws -> Result
    ) {
        self.description = name
        self.cancelsOnGracefulShutdown = cancelsOnGracefulShutdown
        self.operation = operation
    }

    /// What the operation returned or threw; `nil` when it never ran to an end (the group was cancelled first).
    var result: Swift.Result<Result, any Error>? { self.outcome.withLockedValue { $0 } }

    func run() async {
        let result: Swift.Result<Result, any Error>
        do {
            if self.cancelsOnGracefulShutdown {
                result = .success(try await cancelWhenGracefulShutdown(self.operation))
            } else {
                result = .success(try await self.operation())
            }
        } catch {
            result = .failure(error)
        }
        self.outcome.withLockedValue { $0 = result }
    }
}
