import FanoutProtocol
import NIOConcurrencyHelpers
import NIOCore

/// One finished task on its way from the scheduler to the caller, still encoded.
struct RawResult: Sendable {
    var index: UInt64
    var workerID: String
    var host: String
    var outcome: TaskOutcome
    var busyNanoseconds: UInt64
    var attempts: Int
    /// The input's fingerprint, recorded in the journal (0 when no journal is kept).
    var inputDigest: UInt64 = 0
    /// Read back from the journal rather than computed in this run.
    var replayed = false
}

/// The hand-off between the scheduler (producer) and the caller iterating results (consumer).
///
/// It is bounded in effect: the scheduler stops pulling new inputs while ``buffered`` is at the high-water mark, and
/// the consumer wakes it when it drains below the low-water mark. Memory therefore does not grow with the number of
/// tasks, however slowly the caller reads.
final class ResultChannel: Sendable {
    private struct State {
        var buffer = CircularBuffer<RawResult>()
        var waiter: CheckedContinuation<RawResult?, any Error>?
        var finished = false
        var failure: (any Error)?
        var schedulerWantsWakeup = false
    }

    /// The scheduler pauses input while this many results are waiting for the consumer.
    let highWaterMark: Int
    private let state = NIOLockedValueBox(State())
    private let wakeScheduler: @Sendable () -> Void

    init(highWaterMark: Int, wakeScheduler: @escaping @Sendable () -> Void) {
        self.highWaterMark = highWaterMark
        self.wakeScheduler = wakeScheduler
    }

    /// Results waiting for the consumer.
    var buffered: Int { self.state.withLockedValue { $0.buffer.count } }

    /// Called by the scheduler when it paused input because of a full buffer.
    func requestWakeup() { self.state.withLockedValue { $0.schedulerWantsWakeup = true } }

    func send(_ results: [RawResult]) {
        guard !results.isEmpty else { return }
        let waiter: (CheckedContinuation<RawResult?, any Error>, RawResult)? = self.state.withLockedValue { state in
            guard !state.finished else { return nil }
            var rest = results[...]
            if let waiter = state.waiter, let first = rest.popFirst() {
                state.waiter = nil
                state.buffer.append(contentsOf: rest)
                return (waiter, first)
            }
            state.buffer.append(contentsOf: rest)
            return nil
        }
        if let (continuation, first) = waiter { continuation.resume(returning: first) }
    }

    func finish(throwing error: (any Error)? = nil) {
        let waiter = self.state.withLockedValue { state -> CheckedContinuation<RawResult?, any Error>? in
            guard !state.finished else { return nil }
            state.finished = true
            state.failure = error
            if !state.buffer.isEmpty { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    /// Every result waiting now, or, when none is, the next one to arrive; empty at the end of the run.
    ///
    /// Taking all that is buffered in one lock keeps the per-result cost of the hand-off to a few nanoseconds: the
    /// consumer suspends only when it has truly caught up.
    func nextBatch() async throws -> [RawResult] {
        enum Immediate {
            case batch([RawResult], wake: Bool)
            case fail(any Error)
            case wait
        }
        let immediate: Immediate = self.state.withLockedValue { state in
            if !state.buffer.isEmpty {
                let batch = Array(state.buffer)
                state.buffer.removeAll(keepingCapacity: true)
                let wake = state.schedulerWantsWakeup
                state.schedulerWantsWakeup = false
                return .batch(batch, wake: wake)
            }
            if state.finished {
                if let failure = state.failure { return .fail(failure) }
                return .batch([], wake: false)
            }
            return .wait
        }
        switch immediate {
        case .batch(let batch, let wake):
            if wake { self.wakeScheduler() }
            return batch
        case .fail(let error):
            throw error
        case .wait:
            guard let one = try await self.next() else { return [] }
            return [one]
        }
    }

    /// The next result, waiting if none is ready; `nil` at the end of the run.
    func next() async throws -> RawResult? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RawResult?, any Error>) in
                enum Action {
                    case give(RawResult?, wake: Bool)
                    case fail(any Error)
                    case wait
                }
                let action: Action = self.state.withLockedValue { state in
                    if let result = state.buffer.popFirst() {
                        let wake = state.schedulerWantsWakeup && state.buffer.count <= self.highWaterMark / 2
                        if wake { state.schedulerWantsWakeup = false }
                        return .give(result, wake: wake)
                    }
                    if state.finished {
                        if let failure = state.failure { return .fail(failure) }
                        return .give(nil, wake: false)
                    }
                    if Task.isCancelled { return .fail(CancellationError()) }
                    state.waiter = continuation
                    return .wait
                }
                switch action {
                case .give(let result, let wake):
                    continuation.resume(returning: result)
                    if wake { self.wakeScheduler() }
                case .fail(let error):
                    continuation.resume(throwing: error)
                case .wait:
                    break
                }
            }
        } onCancel: {
            let waiter = self.state.withLockedValue { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
