import FanoutProtocol

@testable import FanoutCoordinator

/// Drives a ``SchedulerStateMachine`` with synthetic events and a fake clock, and reads back its directives.
struct SchedulerHarness {
    var machine: SchedulerStateMachine
    /// The fake clock, in nanoseconds.
    var now: UInt64 = 1_000_000_000
    /// Every directive so far.
    var all: [SchedulerDirective] = []
    private var nextRun: UInt64 = 0

    init(_ configure: (inout SchedulerSettings) -> Void = { _ in }) {
        var settings = SchedulerSettings()
        configure(&settings)
        self.machine = SchedulerStateMachine(settings: settings)
    }

    @discardableResult
    mutating func handle(_ event: SchedulerEvent) -> [SchedulerDirective] {
        let directives = self.machine.handle(event, now: self.now)
        self.all.append(contentsOf: directives)
        return directives
    }

    mutating func advance(milliseconds: UInt64) { self.now += milliseconds * 1_000_000 }

    @discardableResult
    mutating func join(_ id: String, host: String? = nil, slots: Int = 1) -> [SchedulerDirective] {
        self.handle(.joined(WorkerDescription(id: id, host: host ?? "host-\(id)", slots: slots)))
    }

    @discardableResult
    mutating func submit(
        job: String = "noop",
        retryOutput: OutputRetry? = nil,
        firstInputs: [ProducedInput] = [],
        finished: Bool = false
    ) -> RunID {
        self.nextRun += 1
        let id = RunID(self.nextRun)
        var run = RunDescription(id: id, job: job, retryOutput: retryOutput)
        run.firstInputs = firstInputs
        run.firstInputsFinished = finished
        self.handle(.submitted(run))
        return id
    }

    /// Feeds `count` one-byte inputs (or `inputs`) to `run` (the current one by default).
    @discardableResult
    mutating func produce(
        _ count: Int = 0,
        inputs: [ProducedInput]? = nil,
        finished: Bool,
        run: RunID? = nil
    ) -> [SchedulerDirective] {
        let chunk = inputs ?? (0..<count).map { .encoded([UInt8(truncatingIfNeeded: $0)], digest: 0) }
        return self.handle(
            .inputsProduced(run: run ?? self.machine.current?.id ?? RunID(0), inputs: chunk, finished: finished)
        )
    }

    @discardableResult
    mutating func complete(
        _ workerID: String,
        _ taskIDs: [UInt64],
        outcome: TaskOutcome = .success([1]),
        busy: UInt64 = 1_000
    ) -> [SchedulerDirective] {
        self.handle(
            .completed(
                workerID: workerID,
                results: taskIDs.map { TaskCompletion(taskID: $0, outcome: outcome, busyNanoseconds: busy) }
            )
        )
    }

    /// Tasks the worker holds now.
    func holding(_ workerID: String) -> Set<UInt64> {
        Set(self.machine.workers[workerID]?.inFlight.keys.map { $0 } ?? [])
    }
}

extension Array where Element == SchedulerDirective {
    /// Task ids sent to `workerID`, in order.
    func sent(to workerID: String) -> [UInt64] {
        self.flatMap { directive -> [UInt64] in
            guard case .send(let id, let batch) = directive, id == workerID else { return [] }
            return batch.tasks.map(\.taskID)
        }
    }

    /// Batches sent to `workerID`.
    func batches(to workerID: String) -> [TaskBatch] {
        self.compactMap { directive in
            guard case .send(let id, let batch) = directive, id == workerID else { return nil }
            return batch
        }
    }

    /// Every task id sent to any worker.
    var sentTasks: [UInt64] {
        self.flatMap { directive -> [UInt64] in
            guard case .send(_, let batch) = directive else { return [] }
            return batch.tasks.map(\.taskID)
        }
    }

    /// Results delivered to runs.
    var delivered: [RawResult] {
        self.flatMap { directive -> [RawResult] in
            guard case .deliver(_, let results) = directive else { return [] }
            return results
        }
    }

    /// Runs finished, with their errors.
    var finished: [(run: RunID, error: ClusterError?)] {
        self.compactMap { directive in
            guard case .finish(let run, let error) = directive else { return nil }
            return (run, error)
        }
    }

    /// Input counts asked for.
    var inputRequests: [Int] {
        self.compactMap { directive in
            guard case .requestInputs(_, let count) = directive else { return nil }
            return count
        }
    }

    /// Task ids cancelled on `workerID`.
    func cancelled(on workerID: String) -> [UInt64] {
        self.flatMap { directive -> [UInt64] in
            guard case .cancel(let id, let tasks) = directive, id == workerID else { return [] }
            return tasks
        }
    }

    /// Workers told to exit.
    var shutdowns: [String] {
        self.compactMap { directive in
            guard case .shutdown(let id) = directive else { return nil }
            return id
        }
    }

    /// Workers whose connection is to be closed.
    var closed: [String] {
        self.compactMap { directive in
            guard case .close(let id) = directive else { return nil }
            return id
        }
    }

    /// Statistics updates.
    var statistics: [StatisticsUpdate] {
        self.compactMap { directive in
            guard case .statistics(let update) = directive else { return nil }
            return update
        }
    }

    /// Tasks counted as retried.
    var retriedCount: Int {
        self.statistics.reduce(0) { total, update in
            if case .retried(let count) = update { return total + count }
            return total
        }
    }

    /// Whether a wakeup was asked for.
    var requestsWakeup: Bool {
        self.contains { directive in
            if case .requestWakeup = directive { return true }
            return false
        }
    }
}

extension TaskOutcome {
    var failureMessage: String? {
        if case .failure(let message) = self { return message }
        return nil
    }
}
