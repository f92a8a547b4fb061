/// Wraps the part of a run that may be interrupted (the cluster run): the command line cancels it on SIGINT or
/// SIGTERM and waits for the partial outcome; a library user may pass its own, or none.
public protocol RunInterruption: Sendable {
    /// Runs `operation`, cancelling it when the interruption comes.
    /// - Parameter operation: The cluster run; it returns a partial outcome when cancelled.
    /// - Returns: What `operation` returned.
    /// - Throws: What `operation` throws, or `CancellationError` when it was interrupted without a result.
    func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T
}

/// No interruption: the operation runs as it is (cancelling the calling task still cancels it).
public struct NoInterruption: RunInterruption {
    /// Creates the no-op interruption.
    public init() {}

    public func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await operation()
    }
}
