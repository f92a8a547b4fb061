import FanoutJobs
import FanoutProtocol

/// The results of one ``Cluster/map(_:_:ordered:)`` call, as an async sequence. Iterate it once.
public struct TaskResults<J: Job>: AsyncSequence, Sendable {
    public typealias Element = TaskResult<J.Output>

    private let scheduler: Scheduler
    private let known: Bool
    private let ordered: Bool
    private let journal: RunJournal?
    private let retryOutput: OutputRetry?
    private let pull: @Sendable () -> RunRequest.Input?

    init(
        scheduler: Scheduler,
        known: Bool,
        ordered: Bool,
        journal: RunJournal?,
        retryOutput: OutputRetry? = nil,
        pull: @escaping @Sendable () -> RunRequest.Input?
    ) {
        self.retryOutput = retryOutput
        self.scheduler = scheduler
        self.known = known
        self.ordered = ordered
        self.journal = journal
        self.pull = pull
    }

    public func makeAsyncIterator() -> Iterator { Iterator(source: self) }

    /// Submits the run on first use and decodes results as they arrive.
    public struct Iterator: AsyncIteratorProtocol {
        /// The sequence: scheduler, job, ordering, journal and input source.
        private let source: TaskResults
        private var run: RunRequest?
        private var pending: [UInt64: RawResult] = [:]
        /// Results taken from the channel in one batch and not yet returned.
        private var received: [RawResult] = []
        private var receivedIndex = 0
        private var nextIndex: UInt64 = 0

        init(source: TaskResults) { self.source = source }

        /// Whether the next call to ``next()`` can return at once, from results already received. Callers that
        /// buffer output flush when this is `false`, so results stream out as they arrive without a flush per result.
        public var hasBufferedResults: Bool {
            self.receivedIndex < self.received.count || self.pending[self.nextIndex] != nil
        }

        public mutating func next() async throws -> TaskResult<J.Output>? {
            guard self.source.known else {
                throw ClusterError(.unknownJob, "job '\(J.name)' is not registered with this cluster")
            }
            let run: RunRequest
            if let existing = self.run {
                run = existing
            } else {
                let scheduler = self.source.scheduler
                let settings = scheduler.settings
                // In input order, a result is held until it leaves the reorder buffer, so the limits bound that
                // buffer too: the scheduler pauses instead of letting results pile up behind a stalled task.
                let runID = RunID.next()
                let channel = ResultChannel(
                    highWaterMark: settings.resultBufferLimit,
                    byteHighWaterMark: settings.resultBufferByteLimit,
                    releasesOnTake: !self.source.ordered,
                    wakeScheduler: { scheduler.resultsConsumed(runID) }
                )
                let pull = self.source.pull
                run = RunRequest(
                    id: runID,
                    job: J.name,
                    results: channel,
                    journal: self.source.journal,
                    retryOutput: self.source.retryOutput,
                    pull: { pull() }
                )
                self.run = run
                scheduler.submit(run)
            }
            guard self.source.ordered else {
                guard let raw = try await self.receive(run) else { return nil }
                return Self.decode(raw)
            }
            while true {
                if let ready = self.pending.removeValue(forKey: self.nextIndex) {
                    self.nextIndex += 1
                    run.results.release(CollectionOfOne(ready))
                    return Self.decode(ready)
                }
                guard let raw = try await self.receive(run) else {
                    // Every index arrives exactly once, so nothing can be left here; flush defensively in order.
                    guard let smallest = self.pending.keys.min(), let ready = self.pending.removeValue(forKey: smallest)
                    else { return nil }
                    run.results.release(CollectionOfOne(ready))
                    return Self.decode(ready)
                }
                if let duplicate = self.pending.updateValue(raw, forKey: raw.index) {
                    run.results.release(CollectionOfOne(duplicate))
                }
            }
        }

        private mutating func receive(_ run: RunRequest) async throws -> RawResult? {
            if self.receivedIndex < self.received.count {
                defer { self.receivedIndex += 1 }
                return self.received[self.receivedIndex]
            }
            do {
                if Task.isCancelled { throw CancellationError() }
                self.received = try await run.results.nextBatch()
                self.receivedIndex = 0
                guard !self.received.isEmpty else { return nil }
                self.receivedIndex = 1
                return self.received[0]
            } catch is CancellationError {
                self.source.scheduler.abandon(run)
                throw ClusterError(.cancelled, "the run was cancelled")
            }
        }

        private static func decode(_ raw: RawResult) -> TaskResult<J.Output> {
            let outcome: Result<J.Output, TaskFailure>
            switch raw.outcome {
            case .success(let bytes):
                do {
                    outcome = .success(try PayloadCoder.decode(J.Output.self, from: bytes))
                } catch {
                    outcome = .failure(TaskFailure("the worker's output could not be decoded: \(error)"))
                }
            case .failure(let message):
                outcome = .failure(TaskFailure(message))
            }
            return TaskResult(
                index: Int(clamping: raw.index),
                workerID: raw.workerID,
                host: raw.host,
                outcome: outcome,
                busy: .nanoseconds(Int64(clamping: raw.busyNanoseconds)),
                attempts: raw.attempts,
                replayed: raw.replayed
            )
        }
    }
}
