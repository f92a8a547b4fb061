import FanoutProtocol
import NIOConcurrencyHelpers

/// Finished tasks waiting to be sent. Slot threads append; one writer task drains everything that accumulated
/// since its last send into a single frame, so results batch by themselves under load and go out at once
/// when the worker is idle.
///
/// While the worker still has queued work, the writer may also wait a little before sending (see
/// ``lingerNanoseconds(waitingTasks:slots:)``): every frame costs both sides a chain of thread wake-ups, and with
/// tasks of about a millisecond, one frame per result spent a quarter of a 2-vCPU machine on wake-ups alone.
final class ResultOutbox: Sendable {
    private struct State {
        var pending: [TaskCompletion] = []
        var pendingBytes = 0
        var signalled = false
        /// Moving average of a task's run time, from the results appended.
        var averageTaskNanoseconds: Double = 0
    }

    /// The longest a result waits for others to share its frame.
    static let maximumLingerNanoseconds: UInt64 = 2_000_000

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
            let busy = Double(completion.busyNanoseconds)
            state.averageTaskNanoseconds =
                state.averageTaskNanoseconds == 0 ? busy : state.averageTaskNanoseconds * 0.9 + busy * 0.1
            if state.signalled { return false }
            state.signalled = true
            return true
        }
        if mustSignal { self.continuation.yield() }
    }

    /// How long the writer may wait before sending what is pending, so that more results share the frame: never
    /// while fewer tasks wait than there are slots (a slot may soon run dry, and the coordinator refills on
    /// results; an idle worker's result goes out at once), else at most half the time the waiting tasks will keep
    /// the slots busy, and at most ``maximumLingerNanoseconds``.
    /// - Parameters:
    ///   - waitingTasks: Tasks queued on this worker and not yet started.
    ///   - slots: The worker's slots.
    func lingerNanoseconds(waitingTasks: Int, slots: Int) -> UInt64 {
        guard waitingTasks >= slots, slots > 0 else { return 0 }
        let average = self.state.withLockedValue { $0.averageTaskNanoseconds }
        let queuedWork = Double(waitingTasks) * average / Double(slots)
        return min(Self.maximumLingerNanoseconds, UInt64(queuedWork / 2))
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
