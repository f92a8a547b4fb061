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

extension RawResult {
    /// Roughly what this result costs in memory: its output or message, its worker id and host, and the record.
    var approximateBytes: Int {
        let payload: Int
        switch self.outcome {
        case .success(let bytes): payload = bytes.count
        case .failure(let message): payload = message.utf8.count
        }
        return payload &+ self.workerID.utf8.count &+ self.host.utf8.count &+ 96
    }
}

/// The hand-off between the scheduler (producer) and the caller iterating results (consumer).
///
/// It is bounded in count and in bytes: results are *held* from the moment the scheduler sends them until the
/// consumer releases them (at once when it takes them, or, for results delivered in input order, when they leave
/// the reorder buffer). While the held results reach either limit the scheduler pulls no new inputs, and the
/// consumer wakes it when both fall below half. Memory therefore does not grow with the number of tasks, however
/// slowly the caller reads and however long one task of an ordered run keeps the others waiting: only results of
/// tasks already out can still arrive, and the scheduler bounds those too.
final class ResultChannel: Sendable {
    private struct State {
        var buffer = CircularBuffer<RawResult>()
        var waiter: CheckedContinuation<RawResult?, any Error>?
        var finished = false
        var failure: (any Error)?
        var schedulerWantsWakeup = false
        /// Results sent and not yet released by the consumer, and their bytes.
        var held = 0
        var heldBytes = 0
        var peakHeldBytes = 0
    }

    /// The scheduler pauses input while this many results are held.
    let highWaterMark: Int
    /// The scheduler pauses input while results of this many bytes are held.
    let byteHighWaterMark: Int
    /// Whether taking a result releases it; `false` when the consumer calls ``release(_:)`` itself.
    private let releasesOnTake: Bool
    private let state = NIOLockedValueBox(State())
    private let wakeScheduler: @Sendable () -> Void

    /// Creates a channel.
    /// - Parameters:
    ///   - highWaterMark: Results held before the scheduler pauses.
    ///   - byteHighWaterMark: Bytes of results held before the scheduler pauses.
    ///   - releasesOnTake: Taking a result releases it (`false`: the consumer calls ``release(_:)``).
    ///   - wakeScheduler: Tells the scheduler that held results drained below half the limits.
    init(
        highWaterMark: Int,
        byteHighWaterMark: Int = Int.max,
        releasesOnTake: Bool = true,
        wakeScheduler: @escaping @Sendable () -> Void
    ) {
        self.highWaterMark = max(1, highWaterMark)
        self.byteHighWaterMark = max(1, byteHighWaterMark)
        self.releasesOnTake = releasesOnTake
        self.wakeScheduler = wakeScheduler
    }

    /// Results waiting for the consumer.
    var buffered: Int { self.state.withLockedValue { $0.buffer.count } }

    /// Results held (sent and not released).
    var held: Int { self.state.withLockedValue { $0.held } }

    /// Bytes of the results held.
    var heldBytes: Int { self.state.withLockedValue { $0.heldBytes } }

    /// The most bytes of results held at once so far.
    var peakHeldBytes: Int { self.state.withLockedValue { $0.peakHeldBytes } }

    /// Whether the run's results ended (the consumer is told, or will be once it drains the buffer).
    var isFinished: Bool { self.state.withLockedValue { $0.finished } }

    /// Whether held results reach a limit: the scheduler pulls no new input.
    var isFull: Bool { self.state.withLockedValue { self.isFull($0) } }

    /// Whether held results are below half of both limits: a paused scheduler may go on.
    var isDrained: Bool { self.state.withLockedValue { self.isDrained($0) } }

    private func isFull(_ state: State) -> Bool {
        state.held >= self.highWaterMark || state.heldBytes >= self.byteHighWaterMark
    }

    private func isDrained(_ state: State) -> Bool {
        state.held <= self.highWaterMark / 2 && state.heldBytes <= self.byteHighWaterMark / 2
    }

    /// Called by the scheduler when it paused input because the channel is full. If it drained meanwhile, the
    /// scheduler is woken at once, so a pause can never outlive the results that caused it.
    func requestWakeup() {
        let wake = self.state.withLockedValue { state in
            if self.isDrained(state) { return true }
            state.schedulerWantsWakeup = true
            return false
        }
        if wake { self.wakeScheduler() }
    }

    /// Hands results to the consumer.
    /// - Returns: The results and bytes held once these are in (what the scheduler's backpressure goes on from);
    ///   `nil` when the run already ended.
    @discardableResult
    func send(_ results: [RawResult]) -> (held: Int, heldBytes: Int)? {
        guard !results.isEmpty else { return nil }
        let bytes = results.reduce(0) { $0 &+ $1.approximateBytes }
        typealias Sent = (waiter: (CheckedContinuation<RawResult?, any Error>, RawResult)?, held: Int, heldBytes: Int)
        let sent: Sent? = self.state.withLockedValue { state in
            guard !state.finished else { return nil }
            state.held &+= results.count
            state.heldBytes &+= bytes
            state.peakHeldBytes = max(state.peakHeldBytes, state.heldBytes)
            var rest = results[...]
            if let waiter = state.waiter, let first = rest.popFirst() {
                state.waiter = nil
                state.buffer.append(contentsOf: rest)
                if self.releasesOnTake { self.release(first, in: &state) }
                return ((waiter, first), state.held, state.heldBytes)
            }
            state.buffer.append(contentsOf: rest)
            return (nil, state.held, state.heldBytes)
        }
        guard let sent else { return nil }
        if let (continuation, first) = sent.waiter { continuation.resume(returning: first) }
        return (sent.held, sent.heldBytes)
    }

    /// Releases results the consumer took and no longer holds (for a channel that does not release on take).
    func release(_ results: some Sequence<RawResult>) {
        let wake = self.state.withLockedValue { state in
            for result in results { self.release(result, in: &state) }
            return self.takeWakeup(&state)
        }
        if wake { self.wakeScheduler() }
    }

    private func release(_ result: RawResult, in state: inout State) {
        state.held = max(0, state.held - 1)
        state.heldBytes = max(0, state.heldBytes - result.approximateBytes)
    }

    /// Whether the scheduler waits for a wakeup that is due now; clears the request.
    private func takeWakeup(_ state: inout State) -> Bool {
        guard state.schedulerWantsWakeup, self.isDrained(state) else { return false }
        state.schedulerWantsWakeup = false
        return true
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
                if self.releasesOnTake {
                    for result in batch { self.release(result, in: &state) }
                }
                return .batch(batch, wake: self.takeWakeup(&state))
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
                        if self.releasesOnTake { self.release(result, in: &state) }
                        return .give(result, wake: self.takeWakeup(&state))
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
