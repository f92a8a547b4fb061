import FanoutProtocol
import Logging
import NIOCore

/// The dynamic scheduler: hands tasks to whichever workers have room, retries the tasks of workers that die, and
/// routes each result to its run exactly once.
///
/// All state lives in this task and changes only in response to one ``SchedulerEvent`` at a time, so there are no
/// locks on the hot path and no interleavings to reason about.
final class Scheduler: Sendable {
    let events: AsyncStream<SchedulerEvent>
    private let eventSink: AsyncStream<SchedulerEvent>.Continuation
    let settings: SchedulerSettings
    private let logger: Logger
    let statistics: ClusterStatistics

    init(settings: SchedulerSettings, logger: Logger) {
        (self.events, self.eventSink) = AsyncStream.makeStream(of: SchedulerEvent.self)
        self.settings = settings
        self.logger = logger
        self.statistics = ClusterStatistics()
    }

    /// Delivers an event; callable from any task or thread.
    func post(_ event: SchedulerEvent) { self.eventSink.yield(event) }

    /// Ends the event stream, which ends ``run()``.
    func stop() { self.eventSink.finish() }

    /// Processes events until ``stop()``.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            if let timeout = self.settings.taskTimeoutNanoseconds {
                // Overdue tasks must be found even when no worker says anything: a silent one is the point.
                let interval = Duration.nanoseconds(Int64(Self.tickNanoseconds(taskTimeoutNanoseconds: timeout)))
                let sink = self.eventSink
                group.addTask {
                    while (try? await Task.sleep(for: interval)) != nil {
                        if case .terminated = sink.yield(.tick) { return }
                    }
                }
            }
            var state = State(settings: self.settings, logger: self.logger, statistics: self.statistics)
            var handled = 0
            for await event in self.events {
                state.handle(event)
                state.dispatch()
                self.statistics.setPendingLaunches(state.launchesPending.count)
                self.statistics.setConnectedWorkers(state.workers.count)
                // While events keep arriving, `next()` never suspends; yield now and then so that the connection
                // tasks sharing the cooperative pool (handshakes of joining workers, result readers) are not starved.
                handled &+= 1
                if handled % 32 == 0 { await Task.yield() }
            }
            state.failEverything(ClusterError(.cancelled, "the cluster shut down before the run finished"))
            group.cancelAll()
        }
    }

    /// How often overdue tasks are looked for: a quarter of the task timeout, between 10 ms and 250 ms.
    static func tickNanoseconds(taskTimeoutNanoseconds: UInt64) -> UInt64 {
        min(max(taskTimeoutNanoseconds / 4, 10_000_000), 250_000_000)
    }

    private struct State {
        let settings: SchedulerSettings
        let logger: Logger
        let statistics: ClusterStatistics
        var workers: [String: WorkerState] = [:]
        /// Worker ids in join order, for round-robin dispatch.
        var order: [String] = []
        var launchesPending: Set<String> = []
        var launchFailures: [String] = []
        var runs: [RunRequest] = []
        var retries = CircularBuffer<PendingTask>()
        var inputsExhausted = false
        var nextTaskID: UInt64 = 0
        /// Task ids are unique for the cluster's lifetime; a run's input index is its id minus this base.
        var runBase: UInt64 = 0
        var pausedForConsumer = false
        var everJoined = false
        /// Set when the cluster cannot run anything; every run fails with it.
        var fatalReason: String?
        /// Set once the cluster closes; workers joining later are told to exit at once.
        var closing = false
        /// Tasks running on more than one worker at once (speculative copies of stragglers): task id to the workers
        /// holding a copy. The first result wins; the other copies are cancelled.
        var copies: [UInt64: Set<String>] = [:]
        /// When ``speculate(run:now:)`` last looked for stragglers.
        var lastSpeculationCheck: UInt64 = 0
        /// Set when the current run cannot go on (its journal does not match its inputs); it ends with this error.
        var abortReason: ClusterError?
        /// The current run's average result size (moving), to bound what tasks out may bring back.
        var averageResultBytes: Double = 0
        /// Per worker, when each task it holds was first seen among the ones it can be running (its oldest `slots`
        /// tasks): the task timeout counts from there.
        var runnableSince: [String: [UInt64: UInt64]] = [:]
        /// When ``reclaimOverdueTasks(now:)`` last looked.
        var lastOverdueCheck: UInt64 = 0

        init(settings: SchedulerSettings, logger: Logger, statistics: ClusterStatistics) {
            self.settings = settings
            self.logger = logger
            self.statistics = statistics
        }

        var current: RunRequest? { self.runs.first }

        mutating func handle(_ event: SchedulerEvent) {
            switch event {
            case .joined(let handle):
                if self.closing {
                    handle.send(.shutdown)
                    return
                }
                self.everJoined = true
                self.launchesPending.remove(handle.id)
                self.workers[handle.id] = WorkerState(handle: handle)
                self.order.append(handle.id)
                self.statistics.update(
                    worker: handle.id,
                    host: handle.host,
                    slots: handle.slots,
                    processID: handle.processID,
                    completed: 0,
                    busy: 0
                )
                self.logger.debug("worker joined", metadata: ["worker": "\(handle.id)", "host": "\(handle.host)"])
            case .completed(let workerID, let results):
                self.complete(workerID: workerID, results: results)
            case .leaving(let workerID):
                self.workers[workerID]?.leaving = true
                self.logger.info("worker \(workerID) is exiting to stop a task past scheduling.task_timeout")
            case .lost(let workerID, let reason):
                self.lose(workerID: workerID, reason: reason)
            case .launchStarted(let launchID):
                self.launchesPending.insert(launchID)
            case .launchEnded(let launchID, let reason):
                if self.launchesPending.remove(launchID) != nil, let reason {
                    self.launchFailures.append("\(launchID): \(reason)")
                    self.logger.warning("worker \(launchID) did not start: \(reason)")
                }
            case .submitted(let run):
                if let reason = self.fatalReason {
                    run.results.finish(throwing: ClusterError(.noWorkers, reason))
                    return
                }
                self.runs.append(run)
                if self.runs.count == 1 { self.startRun() }
            case .consumed:
                self.pausedForConsumer = false
            case .fatal(let reason):
                self.fatalReason = reason
                while self.current != nil {
                    self.finishCurrentRun(error: ClusterError(.noWorkers, reason))
                }
            case .shutdownWorkers:
                self.closing = true
                for worker in self.workers.values {
                    worker.handle.send(.shutdown)
                }
            case .abandoned(let run):
                if run === self.current {
                    self.finishCurrentRun(error: nil)
                } else {
                    self.runs.removeAll { $0 === run }
                    run.results.finish()
                }
            case .tick:
                // `dispatch()` runs after every event and looks for overdue tasks.
                break
            }
        }

        mutating func startRun() {
            self.inputsExhausted = false
            self.pausedForConsumer = false
            self.retries.removeAll()
            self.runBase = self.nextTaskID
            self.averageResultBytes = 0
            for id in self.order { self.workers[id]?.startRun() }
        }

        mutating func complete(workerID: String, results: [TaskCompletion]) {
            // Taken out and put back so the in-flight dictionary is mutated in place, not copied on write.
            guard let run = self.current, var worker = self.workers.removeValue(forKey: workerID) else { return }
            defer { self.workers[workerID] = worker }
            var delivered: [RawResult] = []
            delivered.reserveCapacity(results.count)
            let now = Self.monotonicNanoseconds()
            for completion in results {
                // Only a task this worker still holds counts; anything else is a late or duplicate answer.
                guard var task = worker.inFlight.removeValue(forKey: completion.taskID) else { continue }
                let resultBytes: Int
                switch completion.outcome {
                case .success(let bytes): resultBytes = bytes.count
                case .failure(let message): resultBytes = message.utf8.count
                }
                self.averageResultBytes =
                    self.averageResultBytes == 0
                    ? Double(resultBytes) + 1 : self.averageResultBytes * 0.9 + (Double(resultBytes) + 1) * 0.1
                worker.record(busyNanoseconds: completion.busyNanoseconds)
                worker.record(sentAt: task.sentAt, now: now, busyNanoseconds: completion.busyNanoseconds)
                let otherCopies = self.copies.removeValue(forKey: task.id)?.subtracting([workerID]) ?? []
                if case .failure = completion.outcome, self.settings.retryJobErrors {
                    if !otherCopies.isEmpty {
                        // Another copy is still running: let it answer instead.
                        if otherCopies.count > 1 { self.copies[task.id] = otherCopies }
                        continue
                    }
                    if task.attempts <= self.settings.maxRetries {
                        task.diedOn.insert(worker.handle.host)
                        self.retries.append(task)
                        self.statistics.addRetried(1)
                        continue
                    }
                }
                if case .success(let bytes) = completion.outcome, let retry = run.retryOutput,
                    otherCopies.isEmpty, task.attempts <= retry.maximumRetries, retry.shouldRetry(bytes)
                {
                    // The output itself asks for another go: on another host when one can take it (`diedOn`).
                    task.diedOn.insert(worker.handle.host)
                    self.retries.append(task)
                    self.statistics.addRetried(1)
                    continue
                }
                if !otherCopies.isEmpty {
                    // First result wins: the other copies are dropped here and cancelled on their workers.
                    if worker.speculative.remove(task.id) != nil { self.statistics.addSpeculativeWin() }
                    for other in otherCopies {
                        guard var holder = self.workers.removeValue(forKey: other) else { continue }
                        holder.inFlight.removeValue(forKey: task.id)
                        holder.speculative.remove(task.id)
                        holder.handle.send(.cancel(CancelTasks(taskIDs: [task.id])))
                        self.workers[other] = holder
                    }
                }
                delivered.append(
                    RawResult(
                        index: task.id - self.runBase,
                        workerID: workerID,
                        host: worker.handle.host,
                        outcome: completion.outcome,
                        busyNanoseconds: completion.busyNanoseconds,
                        attempts: task.attempts,
                        inputDigest: task.inputDigest
                    )
                )
            }
            self.statistics.update(
                worker: workerID,
                host: worker.handle.host,
                slots: worker.handle.slots,
                processID: worker.handle.processID,
                completed: worker.completed,
                busy: worker.busyNanoseconds
            )
            run.deliver(delivered)
        }

        mutating func lose(workerID: String, reason: String) {
            self.launchesPending.remove(workerID)
            guard let worker = self.workers.removeValue(forKey: workerID) else { return }
            self.order.removeAll { $0 == workerID }
            self.runnableSince.removeValue(forKey: workerID)
            self.statistics.markLost(worker: workerID, reason: reason)
            if !worker.inFlight.isEmpty {
                self.logger.warning(
                    "worker \(workerID) on \(worker.handle.host) lost (\(reason)); reassigning \(worker.inFlight.count) tasks"
                )
            } else {
                self.logger.info("worker \(workerID) on \(worker.handle.host) left: \(reason)")
            }
            var failed: [RawResult] = []
            var stillRunning = 0
            // Workers run their tasks in the order sent, so only the oldest `slots` tasks can have been running when
            // the worker died; the rest were queued and are not charged an attempt (a task that keeps killing
            // workers must not take innocent queued tasks down with it).
            var charged = worker.leaving ? 0 : worker.handle.slots
            for var task in worker.inFlight.values.sorted(by: { ($0.sentAt, $0.id) < ($1.sentAt, $1.id) }) {
                if charged > 0 {
                    charged -= 1
                } else {
                    task.attempts -= 1
                }
                if var holders = self.copies.removeValue(forKey: task.id) {
                    holders.remove(workerID)
                    if !holders.isEmpty {
                        // A copy is still out on another worker; it will answer.
                        if holders.count > 1 { self.copies[task.id] = holders }
                        stillRunning += 1
                        continue
                    }
                }
                task.diedOn.insert(worker.handle.host)
                if task.attempts > self.settings.maxRetries {
                    failed.append(
                        RawResult(
                            index: task.id - self.runBase,
                            workerID: workerID,
                            host: worker.handle.host,
                            outcome: .failure(
                                "worker died while running this task \(task.attempts) times "
                                    + "(scheduling.max_retries = \(self.settings.maxRetries)); last: \(reason)"
                            ),
                            busyNanoseconds: 0,
                            attempts: task.attempts,
                            inputDigest: task.inputDigest
                        )
                    )
                } else {
                    self.retries.append(task)
                }
            }
            self.statistics.addRetried(worker.inFlight.count - failed.count - stillRunning)
            self.current?.deliver(failed)
        }

        /// Fills every worker that has room, retries first, then fresh inputs.
        mutating func dispatch() {
            guard let run = self.current else { return }
            if self.pausedForConsumer, run.results.isDrained {
                self.pausedForConsumer = false
            }
            let now = Self.monotonicNanoseconds()
            if self.settings.taskTimeoutNanoseconds != nil { self.reclaimOverdueTasks(now: now) }
            let roundTripLimit = self.settings.clusterInFlightLimit / max(1, self.workers.count)
            // With large results, the tasks out are bounded by what they will bring back (each worker its share).
            let resultByteShare = Double(self.settings.outstandingResultByteLimit) / Double(max(1, self.workers.count))
            let tasksByResultBytes =
                self.averageResultBytes > 0 ? min(resultByteShare / self.averageResultBytes, 1e9) : 1e9
            for workerID in self.order {
                guard var worker = self.workers.removeValue(forKey: workerID) else { continue }
                defer { self.workers[workerID] = worker }
                guard !worker.leaving else { continue }
                var room =
                    worker.capacity(
                        prefetch: self.settings.prefetch,
                        latencyBudgetNanoseconds: self.settings.latencyBudgetNanoseconds,
                        adaptiveLimit: self.settings.adaptiveLimit,
                        roundTripLimit: roundTripLimit
                    ) - worker.inFlight.count
                room = min(room, max(worker.handle.slots, Int(tasksByResultBytes)) - worker.inFlight.count)
                guard room > 0 else { continue }
                var batch: [TaskAssignment] = []
                var batchBytes = 0
                let batchByteLimit = self.settings.maximumFrameBytes / 2
                while room > 0 {
                    guard var task = self.nextTask(run: run, host: worker.handle.host) else { break }
                    if !batch.isEmpty && batchBytes + task.input.count + 16 > batchByteLimit {
                        worker.handle.send(.taskBatch(TaskBatch(job: run.job, tasks: batch)))
                        batch.removeAll(keepingCapacity: true)
                        batchBytes = 0
                    }
                    task.attempts += 1
                    task.sentAt = now
                    worker.inFlight[task.id] = task
                    batch.append(TaskAssignment(taskID: task.id, input: task.input))
                    batchBytes += task.input.count + 16
                    room -= 1
                    if batch.count == self.settings.batchSize {
                        worker.handle.send(.taskBatch(TaskBatch(job: run.job, tasks: batch)))
                        batch.removeAll(keepingCapacity: true)
                        batchBytes = 0
                    }
                }
                if !batch.isEmpty {
                    worker.handle.send(.taskBatch(TaskBatch(job: run.job, tasks: batch)))
                }
            }
            // Also while paused for a full result buffer: with `ordered`, that is one stalled task holding the others
            // back, and a copy on an idle worker is what lets the run go on.
            if self.settings.speculation, self.inputsExhausted || self.pausedForConsumer, self.retries.isEmpty {
                self.moveQueuedTasks(run: run, now: now)
                self.speculate(run: run, now: now)
            }
            if let reason = self.abortReason {
                self.abortReason = nil
                self.finishCurrentRun(error: reason)
                return
            }
            self.checkRunEnd(run)
        }

        /// End-of-run balance: once every input is out, a worker with an idle slot gets a copy of a task still
        /// queued behind another worker's running ones (the one sent last, which would start last), so that one
        /// worker does not idle while another works through its prefetched queue. The copy usually finishes first
        /// and the queued original is cancelled before it starts; if it started meanwhile, the first result wins,
        /// as for stragglers. Only tasks long enough to be worth a round trip move.
        mutating func moveQueuedTasks(run: RunRequest, now: UInt64) {
            for idleID in self.order {
                // Most dispatches at the end of a run find no idle slot: look before taking the worker out.
                guard let candidate = self.workers[idleID], !candidate.leaving,
                    candidate.inFlight.count < candidate.handle.slots
                else { continue }
                guard var idle = self.workers.removeValue(forKey: idleID) else { continue }
                defer { self.workers[idleID] = idle }
                let worthMoving = max(500_000, 2 * (idle.roundTripNanoseconds.isFinite ? idle.roundTripNanoseconds : 0))
                while idle.inFlight.count < idle.handle.slots {
                    // The other worker with the most queued work of long enough tasks: its tasks past the oldest
                    // `slots` (tasks run in the order sent) that have no copy out yet.
                    var best: (id: String, queued: [PendingTask], work: Double)?
                    for (ownerID, owner) in self.workers where !owner.leaving {
                        // A worker with no result yet in this run is judged by the idle one's tasks.
                        let perTask =
                            owner.timedTasks > 0
                            ? owner.averageTaskNanoseconds
                            : (idle.timedTasks > 0 ? idle.averageTaskNanoseconds : worthMoving)
                        guard owner.inFlight.count > owner.handle.slots, perTask >= worthMoving else { continue }
                        let queued = owner.inFlight.values.sorted { ($0.sentAt, $0.id) < ($1.sentAt, $1.id) }
                            .dropFirst(owner.handle.slots).filter { self.copies[$0.id] == nil }
                        let work = Double(queued.count) * perTask / Double(owner.handle.slots)
                        if !queued.isEmpty, work > best?.work ?? 0 { best = (ownerID, queued, work) }
                    }
                    // The one sent last would start last.
                    guard let ownerID = best?.id, let task = best?.queued.last else { return }
                    var copy = task
                    copy.sentAt = now
                    idle.inFlight[copy.id] = copy
                    idle.handle.send(
                        .taskBatch(TaskBatch(job: run.job, tasks: [TaskAssignment(taskID: copy.id, input: copy.input)]))
                    )
                    self.copies[copy.id] = [ownerID, idleID]
                    self.statistics.addMoved(1)
                }
            }
        }

        /// Straggler handling at the end of a run: a worker with an idle slot gets a copy of the task that has been
        /// out longest on another worker, when that task has been out well past a typical task's time. Each task is
        /// copied at most once; the first result wins (see ``complete(workerID:results:)``).
        mutating func speculate(run: RunRequest, now: UInt64) {
            // At most every 20 ms, and only when some worker has an idle slot: the scan below visits every task out.
            guard now &- self.lastSpeculationCheck > 20_000_000 else { return }
            self.lastSpeculationCheck = now
            guard self.workers.values.contains(where: { !$0.leaving && $0.inFlight.count < $0.handle.slots }) else {
                return
            }
            let typical = self.workers.values.map(\.averageTaskNanoseconds).filter { $0 > 0 }.min() ?? 0
            guard typical > 0 else { return }
            // Busy times come from workers (a lying one claims UInt64.max): no trapping Double-to-integer conversion.
            let threshold = Self.saturatingNanoseconds(max(4 * typical, 100_000_000))
            // Candidates: on each other worker, the tasks that can be running (its oldest `slots`, as tasks run in
            // the order sent). A queued task behind them is not a straggler; its worker is merely busy.
            var candidates: [(owner: String, task: PendingTask)] = []
            for (ownerID, owner) in self.workers where !owner.inFlight.isEmpty {
                let oldest =
                    owner.handle.slots == 1
                    ? Array(owner.inFlight.values.min { ($0.sentAt, $0.id) < ($1.sentAt, $1.id) }.map { [$0] } ?? [])
                    : Array(
                        owner.inFlight.values.sorted { ($0.sentAt, $0.id) < ($1.sentAt, $1.id) }
                            .prefix(owner.handle.slots)
                    )
                for task in oldest where self.copies[task.id] == nil && now &- task.sentAt > threshold {
                    candidates.append((ownerID, task))
                }
            }
            guard !candidates.isEmpty else { return }
            candidates.sort { $0.task.sentAt > $1.task.sentAt }
            for workerID in self.order {
                guard let idle = self.workers[workerID], !idle.leaving, idle.inFlight.count < idle.handle.slots
                else { continue }
                var room = idle.handle.slots - idle.inFlight.count
                while room > 0 {
                    // The oldest candidate not on this worker.
                    guard let index = candidates.lastIndex(where: { $0.owner != workerID }) else { break }
                    let (ownerID, original) = candidates.remove(at: index)
                    var copy = original
                    copy.sentAt = now
                    guard var worker = self.workers.removeValue(forKey: workerID) else { return }
                    worker.inFlight[copy.id] = copy
                    worker.speculative.insert(copy.id)
                    worker.handle.send(
                        .taskBatch(TaskBatch(job: run.job, tasks: [TaskAssignment(taskID: copy.id, input: copy.input)]))
                    )
                    self.workers[workerID] = worker
                    self.copies[copy.id] = [ownerID, workerID]
                    self.statistics.addSpeculated(1)
                    self.logger.debug(
                        "speculative copy of task \(copy.id - self.runBase) from \(ownerID) on \(workerID)"
                    )
                    room -= 1
                }
            }
        }

        /// Takes tasks back from workers that overran `scheduling.task_timeout`: a worker enforces the timeout
        /// itself and answers a task that ran past it as failed, so one that holds a task this long past the moment
        /// it could start (plus the grace) without answering is lying or wedged, heartbeats or not. It is closed and
        /// dropped; its tasks are retried elsewhere (charged an attempt, failed after `scheduling.max_retries`).
        mutating func reclaimOverdueTasks(now: UInt64) {
            guard let timeout = self.settings.taskTimeoutNanoseconds else { return }
            // As often as the ticks come, not on every event: each look visits every task out.
            // (Half a tick, so that ticks arriving a little early are not skipped.)
            let interval = Scheduler.tickNanoseconds(taskTimeoutNanoseconds: timeout) / 2
            guard now &- self.lastOverdueCheck >= interval else { return }
            self.lastOverdueCheck = now
            let (limit, overflow) = timeout.addingReportingOverflow(self.settings.taskTimeoutGraceNanoseconds)
            let allowed = overflow ? UInt64.max : limit
            var overdue: [(workerID: String, taskID: UInt64)] = []
            for workerID in self.order {
                guard let worker = self.workers[workerID], !worker.inFlight.isEmpty else {
                    self.runnableSince.removeValue(forKey: workerID)
                    continue
                }
                let seen = self.runnableSince[workerID] ?? [:]
                var updated: [UInt64: UInt64] = [:]
                for task in Self.oldest(max(1, worker.handle.slots), of: worker.inFlight.values) {
                    let since = seen[task.id] ?? now
                    updated[task.id] = since
                    if now > since, now - since > allowed, overdue.last?.workerID != workerID {
                        overdue.append((workerID, task.id))
                    }
                }
                self.runnableSince[workerID] = updated
            }
            for (workerID, taskID) in overdue {
                guard let worker = self.workers[workerID] else { continue }
                let seconds = String(Double(timeout / 1_000_000) / 1000)
                let grace = String(Double(self.settings.taskTimeoutGraceNanoseconds / 1_000_000) / 1000)
                let reason =
                    "no answer for task \(taskID &- self.runBase) within scheduling.task_timeout (\(seconds) s) "
                    + "plus \(grace) s; the worker was dropped"
                let host = UntrustedText.forTerminal(worker.handle.host)
                self.logger.warning("worker \(UntrustedText.forTerminal(workerID)) on \(host): \(reason)")
                worker.handle.close()
                self.lose(workerID: workerID, reason: reason)
            }
        }

        /// The `count` oldest tasks (in the order sent, which is the order a worker runs them), oldest first: one
        /// pass keeping the `count` oldest seen so far, so a worker holding thousands of tasks costs O(n log count).
        static func oldest(_ count: Int, of tasks: some Collection<PendingTask>) -> [PendingTask] {
            func isOlder(_ left: PendingTask, _ right: PendingTask) -> Bool {
                (left.sentAt, left.id) < (right.sentAt, right.id)
            }
            var kept: [PendingTask] = []
            kept.reserveCapacity(min(count, tasks.count) + 1)
            for task in tasks {
                if kept.count == count, let last = kept.last, !isOlder(task, last) { continue }
                var low = 0
                var high = kept.count
                while low < high {
                    let middle = (low + high) / 2
                    if isOlder(kept[middle], task) { low = middle + 1 } else { high = middle }
                }
                kept.insert(task, at: low)
                if kept.count > count { kept.removeLast() }
            }
            return kept
        }

        static func monotonicNanoseconds() -> UInt64 {
            let elapsed = (ContinuousClock.now - Self.epoch).components
            return UInt64(clamping: elapsed.seconds) &* 1_000_000_000
                &+ UInt64(clamping: elapsed.attoseconds / 1_000_000_000)
        }

        private static let epoch = ContinuousClock.now

        /// `value` as whole nanoseconds, clamped to `0...UInt64.max` (NaN is 0).
        static func saturatingNanoseconds(_ value: Double) -> UInt64 {
            guard value > 0 else { return 0 }
            return value >= 18_446_744_073_709_549_568 ? UInt64.max : UInt64(value)
        }

        /// The next task for a worker on `host`: a retry first, unless it died on this host and a worker on another
        /// host could take it instead (that one is not in `workers` while it is being filled, which is fine: the
        /// retry waits for the next dispatch); then a fresh input.
        mutating func nextTask(run: RunRequest, host: String) -> PendingTask? {
            if !self.retries.isEmpty {
                // Look a bounded way into the queue for a task that did not die on this host, so that a long retry
                // queue (a host with thousands of tasks out was lost) costs O(1) per task, not O(n).
                let window = self.retries.indices.prefix(64)
                if let index = window.first(where: { !self.retries[$0].diedOn.contains(host) }) {
                    return self.retries.remove(at: index)
                }
                let first = self.retries.first!
                if !self.workers.values.contains(where: { !first.diedOn.contains($0.handle.host) }) {
                    return self.retries.removeFirst()
                }
            }
            guard !self.inputsExhausted, !self.pausedForConsumer else { return nil }
            if run.results.isFull {
                self.pausedForConsumer = true
                run.results.requestWakeup()
                return nil
            }
            while true {
                guard let input = run.nextInput() else {
                    self.inputsExhausted = true
                    return nil
                }
                let id = self.nextTaskID
                self.nextTaskID += 1
                var digest: UInt64 = 0
                if let journal = run.journal {
                    if case .encoded(let bytes) = input { digest = InputDigest.of(bytes) }
                    if let recorded = journal.recordedResult(at: id - self.runBase) {
                        guard recorded.inputDigest == digest else {
                            self.abortReason = ClusterError(
                                .journal,
                                "\(journal.path) does not match this run's inputs: the input of task "
                                    + "\(id - self.runBase) differs from the one whose result it recorded; "
                                    + "use another --journal file"
                            )
                            self.inputsExhausted = true
                            return nil
                        }
                        // Done in an earlier run: replay the recorded result instead of running the task.
                        run.results.send([recorded])
                        if run.results.isFull {
                            self.pausedForConsumer = true
                            run.results.requestWakeup()
                            return nil
                        }
                        continue
                    }
                }
                let failure: String
                switch input {
                case .encoded(let bytes):
                    // Room for the frame header, the job name and this task's id and length.
                    let limit = self.settings.maximumFrameBytes - 1024 - run.job.utf8.count
                    if bytes.count <= limit {
                        return PendingTask(id: id, input: bytes, attempts: 0, inputDigest: digest)
                    }
                    failure =
                        "input of \(bytes.count) bytes does not fit in a frame "
                        + "(limits.max_frame_bytes = \(self.settings.maximumFrameBytes))"
                case .unencodable(let reason):
                    failure = "input could not be encoded: \(reason)"
                }
                run.deliver([
                    RawResult(
                        index: id - self.runBase,
                        workerID: "",
                        host: "",
                        outcome: .failure(failure),
                        busyNanoseconds: 0,
                        attempts: 0,
                        inputDigest: digest
                    )
                ])
            }
        }

        mutating func checkRunEnd(_ run: RunRequest) {
            let inFlight = self.workers.values.reduce(0) { $0 + $1.inFlight.count }
            if self.inputsExhausted && self.retries.isEmpty && inFlight == 0 {
                self.finishCurrentRun(error: nil)
                return
            }
            if self.workers.isEmpty && self.launchesPending.isEmpty {
                let reasons = self.launchFailures.isEmpty ? ["no worker is configured"] : self.launchFailures
                self.finishCurrentRun(
                    error: ClusterError(
                        .noWorkers,
                        "no usable workers\(self.everJoined ? " left" : ""):\n  " + reasons.joined(separator: "\n  ")
                    )
                )
            }
        }

        mutating func finishCurrentRun(error: (any Error)?) {
            guard let run = self.current else { return }
            self.runs.removeFirst()
            // Tasks still out belong to the finished run: drop them on the workers and forget them.
            for workerID in self.order {
                guard let ids = self.workers[workerID]?.inFlight.keys, !ids.isEmpty else { continue }
                self.workers[workerID]?.handle.send(.cancel(CancelTasks(taskIDs: Array(ids))))
                self.workers[workerID]?.inFlight.removeAll()
                self.workers[workerID]?.speculative.removeAll()
            }
            self.copies.removeAll()
            run.results.finish(throwing: error)
            if self.current != nil { self.startRun() }
        }

        mutating func failEverything(_ error: ClusterError) {
            while self.current != nil {
                self.finishCurrentRun(error: error)
            }
        }
    }
}
