import FanoutProtocol
import Logging

extension SchedulerStateMachine {
    /// Copies queued tasks to idle workers (see ``EndOfRunMoves``).
    mutating func moveQueuedTasks(run: RunDescription, now: UInt64) {
        var moved = 0
        for idleID in self.order {
            // Most dispatches at the end of a run find no idle slot: look before taking the worker out.
            guard let candidate = self.workers[idleID], candidate.hasIdleSlot else { continue }
            guard var idle = self.workers.removeValue(forKey: idleID) else { continue }
            defer { self.workers[idleID] = idle }
            while idle.inFlight.count < idle.slots {
                guard let (ownerID, task) = EndOfRunMoves.nextMove(to: idle, from: self.workers, copies: self.copies)
                else { break }
                var copy = task
                copy.sentAt = now
                idle.inFlight[copy.id] = copy
                self.directives.append(
                    .send(
                        workerID: idleID,
                        TaskBatch(job: run.job, tasks: [TaskAssignment(taskID: copy.id, input: copy.input)])
                    )
                )
                self.copies[copy.id] = [ownerID, idleID]
                moved += 1
            }
        }
        if moved > 0 { self.directives.append(.statistics(.moved(moved))) }
    }

    /// Hands copies of stragglers to idle workers (see ``SpeculationPolicy``).
    mutating func speculate(run: RunDescription, now: UInt64) {
        let copies = self.speculation.copies(workers: self.workers, order: self.order, copies: self.copies, now: now)
        guard !copies.isEmpty else { return }
        for planned in copies {
            var copy = planned.task
            copy.sentAt = now
            guard var worker = self.workers.removeValue(forKey: planned.workerID) else { continue }
            worker.inFlight[copy.id] = copy
            worker.speculative.insert(copy.id)
            self.workers[planned.workerID] = worker
            self.directives.append(
                .send(
                    workerID: planned.workerID,
                    TaskBatch(job: run.job, tasks: [TaskAssignment(taskID: copy.id, input: copy.input)])
                )
            )
            self.copies[copy.id] = [planned.ownerID, planned.workerID]
            self.log(
                .debug,
                "speculative copy of task \(copy.id - self.runBase) from \(planned.ownerID) on \(planned.workerID)"
            )
        }
        self.directives.append(.statistics(.speculated(copies.count)))
    }

    /// Drops workers that hold a task past `scheduling.task_timeout` plus the grace (see ``OverdueTasks``): they
    /// are closed and their tasks are retried elsewhere (charged an attempt, failed after `scheduling.max_retries`).
    mutating func reclaimOverdueTasks(now: UInt64) {
        let verdicts = self.overdue.overdue(workers: self.workers, order: self.order, now: now)
        for verdict in verdicts {
            guard let worker = self.workers[verdict.workerID] else { continue }
            let reason = self.overdue.reason(taskIndex: verdict.taskID &- self.runBase)
            let host = UntrustedText.forTerminal(worker.host)
            self.log(.warning, "worker \(UntrustedText.forTerminal(verdict.workerID)) on \(host): \(reason)")
            self.directives.append(.close(workerID: verdict.workerID))
            self.lose(workerID: verdict.workerID, reason: reason)
        }
    }
}
