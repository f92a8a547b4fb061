/// Takes tasks back from workers that overran `scheduling.task_timeout`: a worker enforces the timeout itself and
/// answers a task that ran past it as failed, so one that holds a task this long past the moment it could start
/// (plus the grace) without answering is lying or wedged, heartbeats or not.
struct OverdueTasks {
    /// One worker to drop.
    struct Verdict: Equatable {
        var workerID: String
        var taskID: UInt64
    }

    /// How long one task may run; `nil` for no limit.
    let timeoutNanoseconds: UInt64?
    /// The slack added before the coordinator steps in.
    let graceNanoseconds: UInt64
    /// Per worker, when each task it holds was first seen among the ones it can be running (its oldest `slots`
    /// tasks): the task timeout counts from there.
    private(set) var runnableSince: [String: [UInt64: UInt64]] = [:]
    /// When overdue tasks were last looked for.
    private var lastCheck: UInt64 = 0

    init(settings: SchedulerSettings) {
        self.timeoutNanoseconds = settings.taskTimeoutNanoseconds
        self.graceNanoseconds = settings.taskTimeoutGraceNanoseconds
    }

    /// How often overdue tasks are looked for: a quarter of the task timeout, between 10 ms and 250 ms.
    static func tickNanoseconds(taskTimeoutNanoseconds: UInt64) -> UInt64 {
        min(max(taskTimeoutNanoseconds / 4, 10_000_000), 250_000_000)
    }

    /// The worker is gone: forget when its tasks became runnable.
    mutating func forget(workerID: String) { self.runnableSince.removeValue(forKey: workerID) }

    /// The workers holding an overdue task (one verdict per worker, in `order`); empty between checks.
    mutating func overdue(workers: [String: WorkerState], order: [String], now: UInt64) -> [Verdict] {
        guard let timeout = self.timeoutNanoseconds else { return [] }
        // As often as the ticks come, not on every event: each look visits every task out.
        // (Half a tick, so that ticks arriving a little early are not skipped.)
        let interval = Self.tickNanoseconds(taskTimeoutNanoseconds: timeout) / 2
        guard now &- self.lastCheck >= interval else { return [] }
        self.lastCheck = now
        let (limit, overflow) = timeout.addingReportingOverflow(self.graceNanoseconds)
        let allowed = overflow ? UInt64.max : limit
        var verdicts: [Verdict] = []
        for workerID in order {
            guard let worker = workers[workerID], !worker.inFlight.isEmpty else {
                self.runnableSince.removeValue(forKey: workerID)
                continue
            }
            let seen = self.runnableSince[workerID] ?? [:]
            var updated: [UInt64: UInt64] = [:]
            for task in PendingTask.oldest(max(1, worker.slots), of: worker.inFlight.values) {
                let since = seen[task.id] ?? now
                updated[task.id] = since
                if now > since, now - since > allowed, verdicts.last?.workerID != workerID {
                    verdicts.append(Verdict(workerID: workerID, taskID: task.id))
                }
            }
            self.runnableSince[workerID] = updated
        }
        return verdicts
    }

    /// Why the worker holding `taskIndex` was dropped.
    func reason(taskIndex: UInt64) -> String {
        let timeout = self.timeoutNanoseconds ?? 0
        let seconds = String(Double(timeout / 1_000_000) / 1000)
        let grace = String(Double(self.graceNanoseconds / 1_000_000) / 1000)
        return "no answer for task \(taskIndex) within scheduling.task_timeout (\(seconds) s) "
            + "plus \(grace) s; the worker was dropped"
    }
}
