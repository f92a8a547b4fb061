import NIOConcurrencyHelpers

/// Hands out task indexes `0..<count` to threads, each index once.
final class TaskCounter: Sendable {
    private let next = NIOLockedValueBox(0)
    private let count: Int

    init(count: Int) { self.count = count }

    /// The next index, or `nil` when all are taken.
    func take() -> Int? {
        self.next.withLockedValue { next in
            guard next < self.count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
