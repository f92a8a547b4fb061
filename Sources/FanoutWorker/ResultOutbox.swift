import FanoutProtocol
import NIOConcurrencyHelpers

/// Finished tasks waiting to be sent. Slot threads append; one writer task drains everything that accumulated
/// since its last send into a single frame, so results batch by themselves under load and go out at once
/// when the worker is idle.
final class ResultOutbox: Sendable {
    private struct State {
        var pending: [TaskCompletion] = []
        var pendingBytes = 0
        var signalled = false
    }

    private let state = NIOLockedValueBox(State())
    private let continuation: AsyncStream<Void>.Continuation
    /// Ticks whenever results are waiting. Consumed by the writer task.
    let wakeups: AsyncStream<Void>

    init() {
        (self.wakeups, self.continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds a result and wakes the writer if it is not already awake.
    func append(_ completion: TaskCompletion) {
        let mustSignal = self.state.withLockedValue { state in
            state.pending.append(completion)
            state.pendingBytes += Self.approximateSize(completion)
            if state.signalled { return false }
            state.signalled = true
            return true
        }
        if mustSignal { self.continuation.yield() }
    }

    /// Takes pending results, up to about `maximumBytes` of them (at least one).
    /// - Returns: The results; empty if none were waiting.
    func drain(maximumBytes: Int) -> [TaskCompletion] {
        self.state.withLockedValue { state in
            var taken = 0
            var bytes = 0
            while taken < state.pending.count {
                let size = Self.approximateSize(state.pending[taken])
                if taken > 0 && bytes + size > maximumBytes { break }
                bytes += size
                taken += 1
            }
            let batch = Array(state.pending[..<taken])
            state.pending.removeFirst(taken)
            state.pendingBytes -= bytes
            // Stay "signalled" while more remain, so the writer loops without a new wakeup.
            state.signalled = !state.pending.isEmpty
            if state.signalled { self.continuation.yield() }
            return batch
        }
    }

    /// Ends the wakeup stream so the writer task finishes.
    func finish() { self.continuation.finish() }

    private static func approximateSize(_ completion: TaskCompletion) -> Int {
        switch completion.outcome {
        case .success(let bytes): 24 + bytes.count
        case .failure(let message): 24 + message.utf8.count
        }
    }
}
