import FanoutProtocol
import Logging

extension SchedulerStateMachine {
    /// Adds a joined worker (or, while closing, tells it to exit).
    mutating func join(_ worker: WorkerDescription) {
        if self.isClosing {
            self.directives.append(.shutdown(workerID: worker.id))
            return
        }
        self.everJoined = true
        self.launchesPending.remove(worker.id)
        let state = WorkerState(worker)
        if self.workers.updateValue(state, forKey: worker.id) == nil {
            self.order.append(worker.id)
        }
        self.directives.append(.statistics(state.statistics))
        self.directives.append(
            .log(.debug, "worker joined", metadata: ["worker": "\(worker.id)", "host": "\(worker.host)"])
        )
    }

    /// Routes a worker's answers: each task it still holds is delivered once, retried, or dropped for another copy.
    mutating func complete(workerID: String, results: [TaskCompletion], now: UInt64) {
        // Taken out and put back so the in-flight dictionary is mutated in place, not copied on write.
        guard let run = self.current, var worker = self.workers.removeValue(forKey: workerID) else { return }
        defer { self.workers[workerID] = worker }
        var retried = 0
        for completion in results {
            // Only a task this worker still holds counts; anything else is a late or duplicate answer.
            guard var task = worker.inFlight.removeValue(forKey: completion.taskID) else { continue }
            switch completion.outcome {
            case .success(let bytes): self.window.record(resultBytes: bytes.count)
            case .failure(let message): self.window.record(resultBytes: message.utf8.count)
            }
            worker.record(busyNanoseconds: completion.busyNanoseconds)
            worker.record(sentAt: task.sentAt, now: now, busyNanoseconds: completion.busyNanoseconds)
            let otherCopies = self.copies.removeValue(forKey: task.id)?.subtracting([workerID]) ?? []
            switch self.retryPolicy.decide(
                completion.outcome,
                attempts: task.attempts,
                otherCopiesOut: !otherCopies.isEmpty,
                retryOutput: run.retryOutput
            ) {
            case .awaitOtherCopy:
                // Another copy is still running: let it answer instead.
                if otherCopies.count > 1 { self.copies[task.id] = otherCopies }
                continue
            case .retry:
                task.diedOn.insert(worker.host)
                self.retries.append(task)
                retried += 1
                continue
            case .accept:
                break
            }
            if !otherCopies.isEmpty {
                // First result wins: the other copies are dropped here and cancelled on their workers.
                if worker.speculative.remove(task.id) != nil {
                    self.directives.append(.statistics(.speculativeWin))
                }
                for other in otherCopies {
                    guard var holder = self.workers.removeValue(forKey: other) else { continue }
                    holder.inFlight.removeValue(forKey: task.id)
                    holder.speculative.remove(task.id)
                    self.directives.append(.cancel(workerID: other, taskIDs: [task.id]))
                    self.workers[other] = holder
                }
            }
            self.deliver(
                RawResult(
                    index: task.id - self.runBase,
                    workerID: workerID,
                    host: worker.host,
                    outcome: completion.outcome,
                    busyNanoseconds: completion.busyNanoseconds,
                    attempts: task.attempts,
                    inputDigest: task.inputDigest
                )
            )
        }
        if retried > 0 {
            self.directives.append(.statistics(.retried(retried)))
        }
        self.directives.append(.statistics(worker.statistics))
    }

    /// Forgets a worker; the tasks it held run elsewhere, or fail once they used up their retries.
    mutating func lose(workerID: String, reason: String) {
        self.launchesPending.remove(workerID)
        guard let worker = self.workers.removeValue(forKey: workerID) else { return }
        self.order.removeAll { $0 == workerID }
        self.overdue.forget(workerID: workerID)
        self.directives.append(.statistics(.lost(workerID: workerID, reason: reason)))
        if self.recentLosses.count == Self.maximumLossesKept { self.recentLosses.removeFirst() }
        self.recentLosses.append("\(workerID) on \(worker.host): \(reason)")
        if !worker.inFlight.isEmpty {
            self.log(
                .warning,
                "worker \(workerID) on \(worker.host) lost (\(reason)); reassigning \(worker.inFlight.count) tasks"
            )
        } else {
            self.log(.info, "worker \(workerID) on \(worker.host) left: \(reason)")
        }
        var failed = 0
        var stillRunning = 0
        var charged = self.retryPolicy.chargedOnLoss(slots: worker.slots, leaving: worker.leaving)
        for var task in worker.inFlight.values.sorted(by: { $0.isOlder(than: $1) }) {
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
            task.diedOn.insert(worker.host)
            if self.retryPolicy.isExhausted(attempts: task.attempts) {
                failed += 1
                self.deliver(
                    RawResult(
                        index: task.id - self.runBase,
                        workerID: workerID,
                        host: worker.host,
                        outcome: .failure(
                            self.retryPolicy.exhaustedMessage(attempts: task.attempts, lastReason: reason)
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
        let retried = worker.inFlight.count - failed - stillRunning
        if retried != 0 {
            self.directives.append(.statistics(.retried(retried)))
        }
    }
}
