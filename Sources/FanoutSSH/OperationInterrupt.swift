internal import NIOConcurrencyHelpers

/// The cancellation state of one operation running on a session's thread.
///
/// Task cancellation happens on some other thread; it sets the flag and wakes the session thread's `poll`, which
/// checks the flag after every wake-up. One per operation, so a stale cancellation cannot leak into the next one.
final class OperationInterrupt: Sendable {
    private let cancelled = NIOLockedValueBox(false)
    private let wakeup: WakeupPipe

    /// Creates the state for one operation.
    ///
    /// - Parameter wakeup: The pipe the session thread polls.
    init(wakeup: WakeupPipe) {
        self.wakeup = wakeup
    }

    /// Whether the operation's task has been cancelled.
    var isCancelled: Bool { self.cancelled.withLockedValue { $0 } }

    /// Marks the operation cancelled and wakes the session thread.
    func cancel() {
        self.cancelled.withLockedValue { $0 = true }
        self.wakeup.wake()
    }

    /// Throws `CancellationError` once the operation has been cancelled.
    ///
    /// - Throws: `CancellationError`.
    func check() throws {
        if self.isCancelled { throw CancellationError() }
    }
}
