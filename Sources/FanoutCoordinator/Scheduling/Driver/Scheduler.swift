import FanoutProtocol
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Drives the dynamic scheduler: owns a ``SchedulerStateMachine``, feeds it one event at a time from its inbox
/// and performs what it answers (sends to workers, hands results to runs, updates statistics, logs).
///
/// All scheduling state lives in the state machine inside ``run()``, so there are no locks on the hot path and no
/// interleavings to reason about. Inputs are pulled and encoded by a producer task beside it
/// (``InputProducer``); waits (``wait(until:)``) are answered from the loop, after the events posted before them.
final class Scheduler: Sendable {
    /// What the loop takes from its inbox.
    enum Message: Sendable {
        case event(SchedulerEvent)
        case join(WorkerHandle)
        case submit(RunRequest, firstInputs: [ProducedInput], finished: Bool)
        case consumed(RunID)
        case wait(Condition, id: UInt64, CheckedContinuation<Bool, Never>)
        case cancelWait(id: UInt64)
    }

    private let inbox: AsyncStream<Message>
    let inboxSink: AsyncStream<Message>.Continuation
    let waitIDs = NIOLockedValueBox<UInt64>(0)
    let settings: SchedulerSettings
    private let logger: Logger
    let statistics: ClusterStatistics

    init(settings: SchedulerSettings, logger: Logger) {
        (self.inbox, self.inboxSink) = AsyncStream.makeStream(of: Message.self)
        self.settings = settings
        self.logger = logger
        self.statistics = ClusterStatistics()
    }

    /// Delivers an event; callable from any task or thread.
    func post(_ event: SchedulerEvent) { self.inboxSink.yield(.event(event)) }

    /// A worker passed the handshake: the scheduler keeps its handle and gives it tasks.
    func join(_ handle: WorkerHandle) { self.inboxSink.yield(.join(handle)) }

    /// A caller started iterating a run. Its first inputs are pulled here, on the caller's task (see
    /// ``InputProducer/firstChunkSize``).
    func submit(_ run: RunRequest) {
        let producer = InputProducer(chunkByteLimit: self.settings.inputBufferByteLimit)
        let first = producer.produce(
            InputProducer.Request(run: run, count: min(InputProducer.firstChunkSize, self.settings.inputChunkSize))
        )
        self.inboxSink.yield(.submit(run, firstInputs: first.inputs, finished: first.finished))
    }

    /// The run's caller drained its results below half the limits (the result channel's wakeup).
    func resultsConsumed(_ run: RunID) { self.inboxSink.yield(.consumed(run)) }

    /// The caller stopped iterating a run early.
    func abandon(_ run: RunRequest) { self.inboxSink.yield(.event(.abandoned(run.id))) }

    /// Ends the inbox, which ends ``run()``.
    func stop() { self.inboxSink.finish() }

    /// Processes events until ``stop()``.
    func run() async {
        let (requests, requestSink) = AsyncStream.makeStream(of: InputProducer.Request.self)
        await withTaskGroup(of: Void.self) { group in
            if let timeout = self.settings.taskTimeoutNanoseconds {
                // Overdue tasks must be found even when no worker says anything: a silent one is the point.
                let interval = Duration.nanoseconds(
                    Int64(OverdueTasks.tickNanoseconds(taskTimeoutNanoseconds: timeout))
                )
                let sink = self.inboxSink
                group.addTask {
                    while (try? await Task.sleep(for: interval)) != nil {
                        if case .terminated = sink.yield(.event(.tick)) { return }
                    }
                }
            }
            let byteLimit = self.settings.inputBufferByteLimit
            let sink = self.inboxSink
            group.addTask {
                let producer = InputProducer(chunkByteLimit: byteLimit)
                for await request in requests {
                    let (inputs, finished) = producer.produce(request)
                    sink.yield(.event(.inputsProduced(run: request.run.id, inputs: inputs, finished: finished)))
                }
            }
            var loop = Loop(scheduler: self, producer: requestSink)
            var handled = 0
            for await message in self.inbox {
                loop.receive(message)
                // While events keep arriving, `next()` never suspends; yield now and then so that the connection
                // tasks sharing the cooperative pool (handshakes of joining workers, result readers) are not starved.
                handled &+= 1
                if handled % 32 == 0 { await Task.yield() }
            }
            loop.stop()
            requestSink.finish()
            group.cancelAll()
        }
    }

    /// The loop's state: the state machine, and what its ids stand for.
    private struct Loop {
        let scheduler: Scheduler
        let producer: AsyncStream<InputProducer.Request>.Continuation
        var machine: SchedulerStateMachine
        var handles: [String: WorkerHandle] = [:]
        var runs: [RunID: RunRequest] = [:]
        var waiters: [UInt64: (condition: Condition, continuation: CheckedContinuation<Bool, Never>)] = [:]
        /// Waits cancelled before they reached the loop.
        var cancelledWaits: Set<UInt64> = []
        /// Reused for every event.
        var directives: [SchedulerDirective] = []

        init(scheduler: Scheduler, producer: AsyncStream<InputProducer.Request>.Continuation) {
            self.scheduler = scheduler
            self.producer = producer
            self.machine = SchedulerStateMachine(settings: scheduler.settings)
        }

        mutating func receive(_ message: Message) {
            switch message {
            case .event(let event):
                self.handle(event)
                if case .lost(let workerID, _) = event { self.handles.removeValue(forKey: workerID) }
            case .join(let handle):
                self.handles[handle.id] = handle
                self.handle(.joined(WorkerDescription(handle)))
            case .submit(let run, let inputs, let finished):
                self.runs[run.id] = run
                var description = run.description
                description.firstInputs = inputs
                description.firstInputsFinished = finished
                self.handle(.submitted(description))
            case .consumed(let runID):
                guard let run = self.runs[runID] else { return }
                self.handle(.consumed(run: runID, held: run.results.held, heldBytes: run.results.heldBytes))
            case .wait(let condition, let id, let continuation):
                if self.cancelledWaits.remove(id) != nil {
                    continuation.resume(returning: false)
                } else if self.isMet(condition) {
                    continuation.resume(returning: true)
                } else {
                    self.waiters[id] = (condition, continuation)
                }
            case .cancelWait(let id):
                if let waiter = self.waiters.removeValue(forKey: id) {
                    waiter.continuation.resume(returning: false)
                } else {
                    self.cancelledWaits.insert(id)
                }
            }
        }

        /// The inbox ended: every run still going fails, every waiter is let go.
        mutating func stop() {
            self.handle(.stopped)
            for waiter in self.waiters.values { waiter.continuation.resume(returning: false) }
            self.waiters.removeAll()
        }

        private mutating func handle(_ event: SchedulerEvent) {
            self.machine.handle(event, now: MonotonicClock.nanoseconds(), into: &self.directives)
            for directive in self.directives { self.perform(directive) }
            self.directives.removeAll(keepingCapacity: true)
            let statistics = self.scheduler.statistics
            statistics.setPendingLaunches(self.machine.pendingLaunches)
            statistics.setConnectedWorkers(self.machine.connectedWorkers)
            if !self.waiters.isEmpty { self.resumeMetWaiters() }
        }

        private mutating func perform(_ directive: SchedulerDirective) {
            switch directive {
            case .send(let workerID, let batch):
                self.handles[workerID]?.send(.taskBatch(batch))
            case .cancel(let workerID, let taskIDs):
                self.handles[workerID]?.send(.cancel(CancelTasks(taskIDs: taskIDs)))
            case .shutdown(let workerID):
                self.handles[workerID]?.send(.shutdown)
            case .close(let workerID):
                self.handles[workerID]?.close()
            case .deliver(let runID, let results):
                if let held = self.runs[runID]?.deliver(results) {
                    self.machine.observeHeldResults(run: runID, held: held.held, heldBytes: held.heldBytes)
                }
            case .finish(let runID, let error):
                self.runs.removeValue(forKey: runID)?.results.finish(throwing: error)
            case .requestInputs(let runID, let count):
                guard let run = self.runs[runID] else { return }
                self.producer.yield(InputProducer.Request(run: run, count: count))
            case .requestWakeup(let runID):
                self.runs[runID]?.results.requestWakeup()
            case .statistics(let update):
                self.scheduler.statistics.apply(update)
            case .log(let level, let message, let metadata):
                self.scheduler.logger.log(level: level, "\(message)", metadata: metadata)
            }
        }

        private func isMet(_ condition: Condition) -> Bool {
            switch condition {
            case .workersConnected(let count): self.machine.connectedWorkers >= count
            case .launchesSettled: self.machine.pendingLaunches == 0
            case .noWorkersConnected: self.machine.connectedWorkers == 0
            }
        }

        private mutating func resumeMetWaiters() {
            for (id, waiter) in self.waiters where self.isMet(waiter.condition) {
                self.waiters.removeValue(forKey: id)
                waiter.continuation.resume(returning: true)
            }
        }
    }
}
