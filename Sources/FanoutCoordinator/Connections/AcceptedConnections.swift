import FanoutProtocol
import NIOConcurrencyHelpers
import NIOCore

/// Accepted connections on their way from the event loop to the listener's accept loop.
///
/// The async server bootstrap hands connections out through an async sequence that drops whatever it still buffers
/// when the consuming task is cancelled; a dropped `NIOAsyncChannel` whose `executeThenClose` never ran traps the
/// process ("Deinited NIOAsyncWriter without calling finish()", swift-nio issue 2637). Under a flood there are
/// always connections in that buffer, so every cluster shutdown crashed the coordinator. Here a connection is
/// wrapped only while the queue is open, under its lock, and when the listener stops, everything still queued is
/// handed back to be closed properly: no wrapped channel is ever dropped.
final class AcceptedConnections: Sendable {
    typealias Connection = NIOAsyncChannel<WireMessage, WireMessage>

    private struct State {
        var queue = CircularBuffer<Connection>()
        var waiter: CheckedContinuation<Connection?, Never>?
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    /// Connections accepted and not yet taken by the accept loop, at most: past this the newest is closed at once
    /// (the accept loop is far behind; the pending table would evict it anyway).
    let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    /// Wraps a new connection and queues it, unless the listener has stopped or the queue is full.
    /// - Parameter wrap: Makes the `NIOAsyncChannel`; called under the lock, only when the connection is taken.
    /// - Returns: Whether it was taken; if not, the caller closes the channel.
    /// - Throws: What `wrap` throws.
    func offer(_ wrap: () throws -> Connection) throws -> Bool {
        let waiter: CheckedContinuation<Connection?, Never>?
        let connection: Connection
        do {
            (waiter, connection) = try self.state.withLockedValue { state in
                guard !state.closed, state.queue.count < self.limit else { throw Refused() }
                let connection = try wrap()
                if let waiter = state.waiter {
                    state.waiter = nil
                    return (waiter, connection)
                }
                state.queue.append(connection)
                return (nil, connection)
            }
        } catch is Refused {
            return false
        }
        waiter?.resume(returning: connection)
        return true
    }

    /// The next accepted connection; `nil` once the listener stopped or the task is cancelled.
    func next() async -> Connection? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Connection?, Never>) in
                let ready: Connection?? = self.state.withLockedValue { state in
                    if let first = state.queue.popFirst() { return .some(first) }
                    if state.closed || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            self.stop()
        }
    }

    /// Stops taking connections and wakes the accept loop.
    func stop() {
        let waiter = self.state.withLockedValue { state -> CheckedContinuation<Connection?, Never>? in
            state.closed = true
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Stops taking connections and returns the ones still queued, which the caller must close.
    func drain() -> [Connection] {
        self.stop()
        return self.state.withLockedValue { state in
            defer { state.queue.removeAll() }
            return Array(state.queue)
        }
    }

    private struct Refused: Error {}
}
