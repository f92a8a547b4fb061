import FanoutProtocol

extension SchedulerStateMachine {
    /// Fills every worker that has room, retries first, then fresh inputs; then applies the end-of-run policies
    /// and ends the run when it is done.
    mutating func dispatch(now: UInt64) {
        guard let run = self.current else { return }
        if self.settings.taskTimeoutNanoseconds != nil { self.reclaimOverdueTasks(now: now) }
        let workerCount = self.workers.count
        let batchByteLimit = self.settings.maximumFrameBytes / 2
        for workerID in self.order {
            guard var worker = self.workers.removeValue(forKey: workerID) else { continue }
            defer { self.workers[workerID] = worker }
            guard !worker.leaving else { continue }
            var room = self.window.room(for: worker, workerCount: workerCount)
            guard room > 0 else { continue }
            var batch: [TaskAssignment] = []
            var batchBytes = 0
            while room > 0 {
                guard var task = self.nextTask(run: run, host: worker.host) else { break }
                if !batch.isEmpty && batchBytes + task.input.count + 16 > batchByteLimit {
                    self.directives.append(.send(workerID: workerID, TaskBatch(job: run.job, tasks: batch)))
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
                    self.directives.append(.send(workerID: workerID, TaskBatch(job: run.job, tasks: batch)))
                    batch.removeAll(keepingCapacity: true)
                    batchBytes = 0
                }
            }
            if !batch.isEmpty {
                self.directives.append(.send(workerID: workerID, TaskBatch(job: run.job, tasks: batch)))
            }
        }
        // Also while paused for a full result buffer: with `ordered`, that is one stalled task holding the others
        // back, and a copy on an idle worker is what lets the run go on.
        if self.settings.speculation, self.runPhase == .draining || self.backpressure.isPaused,
            self.retries.isEmpty
        {
            self.moveQueuedTasks(run: run, now: now)
            self.speculate(run: run, now: now)
        }
        if let reason = self.abortReason {
            self.abortReason = nil
            self.finishCurrentRun(error: reason)
            return
        }
        self.checkRunEnd()
    }

    /// The next task for a worker on `host`: a retry first, unless it died on this host and a worker on another
    /// host could take it instead (that one is not in `workers` while it is being filled, which is fine: the
    /// retry waits for the next dispatch); then a fresh input.
    mutating func nextTask(run: RunDescription, host: String) -> PendingTask? {
        if let retry = self.takeRetry(forHost: host) { return retry }
        guard self.runPhase == .running, !self.backpressure.isPaused else { return nil }
        if self.backpressure.pauseIfFull() {
            self.directives.append(.requestWakeup(run: run.id))
            return nil
        }
        while true {
            if self.inputs.wantsMore {
                self.inputs.markRequested()
                self.directives.append(.requestInputs(run: run.id, count: self.inputs.chunkSize))
            }
            guard let input = self.inputs.popFirst() else {
                if self.inputs.isExhausted { self.runPhase = .draining }
                return nil
            }
            let id = self.nextTaskID
            self.nextTaskID += 1
            let failure: String
            let digest: UInt64
            switch input {
            case .replayed(let recorded):
                // Done in an earlier run: replay the recorded result instead of running the task.
                self.deliver(recorded)
                if self.backpressure.pauseIfFull() {
                    self.directives.append(.requestWakeup(run: run.id))
                    return nil
                }
                continue
            case .journalMismatch(let error):
                self.abortReason = error
                self.inputs.close()
                self.runPhase = .draining
                return nil
            case .encoded(let bytes, let inputDigest):
                // Room for the frame header, the job name and this task's id and length.
                let limit = self.settings.maximumFrameBytes - 1024 - run.job.utf8.count
                if bytes.count <= limit {
                    return PendingTask(id: id, input: bytes, attempts: 0, inputDigest: inputDigest)
                }
                digest = inputDigest
                failure =
                    "input of \(bytes.count) bytes does not fit in a frame "
                    + "(limits.max_frame_bytes = \(self.settings.maximumFrameBytes))"
            case .unencodable(let reason, let inputDigest):
                digest = inputDigest
                failure = "input could not be encoded: \(reason)"
            }
            self.deliver(
                RawResult(
                    index: id - self.runBase,
                    workerID: "",
                    host: "",
                    outcome: .failure(failure),
                    busyNanoseconds: 0,
                    attempts: 0,
                    inputDigest: digest
                )
            )
        }
    }

    /// Ends the current run when nothing is left to do, or when no worker is left and none can come.
    mutating func checkRunEnd() {
        if self.runPhase == .draining && self.retries.isEmpty && self.tasksInFlight == 0 {
            self.finishCurrentRun(error: nil)
            return
        }
        if self.workers.isEmpty && self.launchesPending.isEmpty {
            let reasons =
                self.launchFailures + self.recentLosses.filter { !self.launchFailures.contains($0) }
            let listed = reasons.isEmpty ? ["no worker is configured"] : reasons
            self.finishCurrentRun(
                error: ClusterError(
                    .noWorkers,
                    "no usable workers\(self.everJoined ? " left" : ""):\n  " + listed.joined(separator: "\n  ")
                )
            )
        }
    }
}
