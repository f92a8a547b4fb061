import NIOConcurrencyHelpers

/// Counts failed tasks across threads.
final class FailureCount: Sendable {
    private let count = NIOLockedValueBox(0)

    func add() { self.count.withLockedValue { $0 += 1 } }

    var value: Int { self.count.withLockedValue { $0 } }
}
