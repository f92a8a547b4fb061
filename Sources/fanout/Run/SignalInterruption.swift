import FanoutSessions

/// The command line's ``RunInterruption``: SIGINT or SIGTERM cancels the cluster run (``InterruptibleRun``).
struct SignalInterruption: RunInterruption {
    func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await InterruptibleRun.run(operation)
    }
}
