import FanoutProtocol
import Logging

/// The dynamic scheduler's decisions, as a plain value: events in, directives out.
///
/// It hands tasks to whichever workers have room, retries the tasks of workers that die, and routes each result to
/// its run exactly once. It performs no I/O, takes no locks and reads no clock (time comes with each event): its
/// driver, ``Scheduler``, sends what the directives say. The policies it applies are small types of their own:
/// ``DispatchWindow``, ``RetryPolicy`` and ``RetryQueue``, ``SpeculationPolicy``, ``EndOfRunMoves``,
/// ``OverdueTasks``, ``ResultBackpressure`` and ``InputBuffer``.
struct SchedulerStateMachine {
    /// Where the cluster is in its life.
    enum Phase: Equatable {
        /// Accepting workers and runs; the current run, if any, is in `run`.
        case open(RunPhase)
        /// Something outside decided nothing can run (`ssh.require_all_hosts`): every run fails with `reason`.
        case failed(reason: String)
        /// The cluster is closing: workers are told to exit, and any joining later too. A run still going ends
        /// as its workers leave; `failure` is the fatal reason, if there was one before.
        case closing(RunPhase, failure: String?)
    }

    /// Where the current run is.
    enum RunPhase: Equatable {
        /// No run is going.
        case idle
        /// Inputs remain.
        case running
        /// Every input is out: waiting for the last results (end-of-run moves and speculation apply).
        case draining
    }

    let settings: SchedulerSettings
    var phase: Phase = .open(.idle)

    // Workers.
    var workers: [String: WorkerState] = [:]
    /// Worker ids in join order, for round-robin dispatch.
    var order: [String] = []
    var launchesPending: Set<String> = []
    var launchFailures: [String] = []
    /// How the most recent workers were lost (at most ``maximumLossesKept``), so that a run that ends with no
    /// worker left says why, not "no worker is configured".
    var recentLosses: [String] = []
    static let maximumLossesKept = 16
    var everJoined = false

    // Runs.
    /// Submitted runs, the current one first.
    var runs: [RunDescription] = []
    var nextTaskID: UInt64 = 0
    /// Task ids are unique for the cluster's lifetime; a run's input index is its id minus this base.
    var runBase: UInt64 = 0
    /// Tasks running on more than one worker at once (copies of stragglers, or moved at the end of a run): task id
    /// to the workers holding a copy. The first result wins; the other copies are cancelled.
    var copies: [UInt64: Set<String>] = [:]
    /// Set when the current run cannot go on (its journal does not match its inputs); it ends with this error.
    var abortReason: ClusterError?

    // Policies.
    var window: DispatchWindow
    let retryPolicy: RetryPolicy
    var retries = RetryQueue()
    var speculation = SpeculationPolicy()
    var overdue: OverdueTasks
    var backpressure: ResultBackpressure
    var inputs: InputBuffer

    // Output of the event being handled.
    var directives: [SchedulerDirective] = []
    /// Results of the current run to deliver at the end of this event, in one directive.
    var delivery: [RawResult] = []

    init(settings: SchedulerSettings) {
        self.settings = settings
        self.window = DispatchWindow(settings: settings)
        self.retryPolicy = RetryPolicy(settings: settings)
        self.overdue = OverdueTasks(settings: settings)
        self.backpressure = ResultBackpressure(settings: settings)
        self.inputs = InputBuffer(settings: settings)
    }

    /// The run being worked on.
    var current: RunDescription? { self.runs.first }

    /// Workers joined and not gone.
    var connectedWorkers: Int { self.workers.count }

    /// Workers being started that have neither joined nor failed yet.
    var pendingLaunches: Int { self.launchesPending.count }

    /// Tasks out on workers (copies counted on each worker holding one).
    var tasksInFlight: Int { self.workers.values.reduce(0) { $0 + $1.inFlight.count } }

    var runPhase: RunPhase {
        get {
            switch self.phase {
            case .open(let run), .closing(let run, _): run
            case .failed: .idle
            }
        }
        set {
            switch self.phase {
            case .open: self.phase = .open(newValue)
            case .closing(_, let failure): self.phase = .closing(newValue, failure: failure)
            case .failed: break
            }
        }
    }

    private var fatalReason: String? {
        switch self.phase {
        case .open: nil
        case .failed(let reason): reason
        case .closing(_, let failure): failure
        }
    }

    var isClosing: Bool {
        if case .closing = self.phase { return true }
        return false
    }

    /// Handles one event.
    /// - Parameters:
    ///   - event: What happened.
    ///   - now: Monotonic nanoseconds.
    /// - Returns: What the driver must do, in order.
    mutating func handle(_ event: SchedulerEvent, now: UInt64) -> [SchedulerDirective] {
        var directives: [SchedulerDirective] = []
        self.handle(event, now: now, into: &directives)
        return directives
    }

    /// Handles one event, appending directives to `directives` (the driver reuses one array for every event).
    mutating func handle(_ event: SchedulerEvent, now: UInt64, into directives: inout [SchedulerDirective]) {
        swap(&self.directives, &directives)
        defer { swap(&self.directives, &directives) }
        self.apply(event, now: now)
        if case .stopped = event { return }
        // A run that ends in a dispatch starts the next queued one: that one's first tasks go out now, not at the
        // next event (there may be none).
        var current = self.current?.id
        self.dispatch(now: now)
        while let next = self.current?.id, next != current {
            current = next
            self.dispatch(now: now)
        }
        self.flushDelivery()
    }

    private mutating func apply(_ event: SchedulerEvent, now: UInt64) {
        switch event {
        case .joined(let worker):
            self.join(worker)
        case .completed(let workerID, let results):
            self.complete(workerID: workerID, results: results, now: now)
        case .leaving(let workerID):
            self.workers[workerID]?.leaving = true
            self.log(.info, "worker \(workerID) is exiting to stop a task past scheduling.task_timeout")
        case .lost(let workerID, let reason):
            self.lose(workerID: workerID, reason: reason)
        case .launchStarted(let launchID):
            self.launchesPending.insert(launchID)
        case .launchEnded(let launchID, let reason):
            if self.launchesPending.remove(launchID) != nil, let reason {
                self.launchFailures.append("\(launchID): \(reason)")
                self.log(.warning, "worker \(launchID) did not start: \(reason)")
            }
        case .submitted(let run):
            if let reason = self.fatalReason {
                self.directives.append(.finish(run: run.id, error: ClusterError(.noWorkers, reason)))
                return
            }
            self.runs.append(run)
            if self.runs.count == 1 { self.startRun() }
        case .inputsProduced(let runID, let chunk, let finished):
            guard runID == self.current?.id else { return }
            self.inputs.receive(chunk, finished: finished)
        case .consumed(let runID, let held, let heldBytes):
            guard runID == self.current?.id else { return }
            self.backpressure.resume(held: held, heldBytes: heldBytes)
        case .fatal(let reason):
            switch self.phase {
            case .open, .failed: self.phase = .failed(reason: reason)
            case .closing(let run, _): self.phase = .closing(run, failure: reason)
            }
            while self.current != nil {
                self.finishCurrentRun(error: ClusterError(.noWorkers, reason))
            }
        case .shutdownWorkers:
            switch self.phase {
            case .open(let run): self.phase = .closing(run, failure: nil)
            case .failed(let reason): self.phase = .closing(.idle, failure: reason)
            case .closing: break
            }
            for workerID in self.order {
                self.directives.append(.shutdown(workerID: workerID))
            }
        case .abandoned(let runID):
            if runID == self.current?.id {
                self.finishCurrentRun(error: nil)
            } else if self.runs.contains(where: { $0.id == runID }) {
                self.runs.removeAll { $0.id == runID }
                self.directives.append(.finish(run: runID, error: nil))
            }
        case .tick:
            // `dispatch(now:)` runs after every event and looks for overdue tasks.
            break
        case .stopped:
            let error = ClusterError(.cancelled, "the cluster shut down before the run finished")
            while self.current != nil {
                self.finishCurrentRun(error: error)
            }
        }
    }

    mutating func startRun() {
        self.runPhase = .running
        self.retries.removeAll()
        self.runBase = self.nextTaskID
        self.window.startRun()
        self.backpressure.startRun()
        self.inputs.startRun()
        if let run = self.runs.first, !run.firstInputs.isEmpty || run.firstInputsFinished {
            self.inputs.receive(run.firstInputs, finished: run.firstInputsFinished)
            self.runs[0].firstInputs = []
        }
        for id in self.order { self.workers[id]?.startRun() }
    }

    /// What the current run's result channel holds right after the driver performed the last delivery directive:
    /// an observation, not an event (nothing is dispatched); it keeps the backpressure count close to the channel's.
    mutating func observeHeldResults(run: RunID, held: Int, heldBytes: Int) {
        guard run == self.current?.id else { return }
        self.backpressure.observe(held: held, heldBytes: heldBytes)
    }

    /// Queues a result of the current run for delivery at the end of this event.
    mutating func deliver(_ result: RawResult) {
        self.backpressure.record(result)
        self.delivery.append(result)
    }

    /// Sends what was queued for the current run (before it finishes, or at the end of the event).
    mutating func flushDelivery() {
        guard !self.delivery.isEmpty, let run = self.current else { return }
        self.directives.append(.deliver(run: run.id, self.delivery))
        self.delivery = []
    }

    mutating func log(_ level: Logger.Level, _ message: String) {
        self.directives.append(.log(level, message))
    }

    /// Ends the current run: its tasks still out are cancelled on their workers and forgotten.
    mutating func finishCurrentRun(error: ClusterError?) {
        guard let run = self.current else { return }
        self.flushDelivery()
        self.runs.removeFirst()
        for workerID in self.order {
            guard let ids = self.workers[workerID]?.inFlight.keys, !ids.isEmpty else { continue }
            self.directives.append(.cancel(workerID: workerID, taskIDs: Array(ids)))
            self.workers[workerID]?.inFlight.removeAll()
            self.workers[workerID]?.speculative.removeAll()
        }
        self.copies.removeAll()
        self.inputs.close()
        self.runPhase = .idle
        self.directives.append(.finish(run: run.id, error: error))
        if self.current != nil { self.startRun() }
    }

    /// The next retry for a worker on `host`, if one should go there (see ``RetryQueue/next(forHost:elsewhere:)``).
    mutating func takeRetry(forHost host: String) -> PendingTask? {
        guard !self.retries.isEmpty else { return nil }
        let workers = self.workers
        return self.retries.next(forHost: host) { diedOn in
            workers.values.contains { !diedOn.contains($0.host) }
        }
    }
}
