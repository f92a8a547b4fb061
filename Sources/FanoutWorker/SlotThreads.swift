import FanoutJobs
import FanoutProtocol
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker's execution threads: `slots` dedicated threads, each taking a task, running it, posting the result.
struct SlotThreads {
    private let pool: NIOThreadPool
    /// What each slot runs now, for the task-timeout watchdog.
    let running: RunningTasks

    /// Starts the threads.
    /// - Parameters:
    ///   - slots: How many tasks run at once.
    ///   - queue: Where tasks come from.
    ///   - outbox: Where results go.
    ///   - maximumOutputBytes: Outputs larger than this fail instead of breaking the frame limit.
    init(slots: Int, queue: TaskQueue, outbox: ResultOutbox, maximumOutputBytes: Int) {
        self.pool = NIOThreadPool(numberOfThreads: slots)
        self.pool.start()
        let running = RunningTasks(slots: slots)
        self.running = running
        for slot in 0..<slots {
            self.pool.submit { _ in
                ExecSlot.assign(slot + 1)
                while let item = queue.take() {
                    let start = MonotonicClock.nanoseconds()
                    running.started(slot: slot, taskID: item.taskID, at: start)
                    let outcome: TaskOutcome
                    do {
                        let output = try item.runner.run(item.input)
                        if output.count > maximumOutputBytes {
                            outcome = .failure(
                                "output of \(output.count) bytes exceeds the frame limit of \(maximumOutputBytes) bytes"
                            )
                        } else {
                            outcome = .success(output)
                        }
                    } catch {
                        outcome = .failure("\(error)")
                    }
                    let elapsed = MonotonicClock.nanoseconds() &- start
                    running.ended(slot: slot)
                    outbox.append(TaskCompletion(taskID: item.taskID, outcome: outcome, busyNanoseconds: elapsed))
                    queue.finished()
                }
            }
        }
    }

    /// Stops the threads once the queue is closed and running tasks end.
    func shutdown() async {
        try? await self.pool.shutdownGracefully()
    }
}
