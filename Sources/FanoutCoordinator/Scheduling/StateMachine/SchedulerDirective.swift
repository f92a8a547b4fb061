import FanoutProtocol
import Logging

/// What ``SchedulerStateMachine`` asks its driver to do, in order, after an event.
enum SchedulerDirective: Sendable {
    /// Send these tasks to the worker.
    case send(workerID: String, TaskBatch)
    /// Tell the worker to drop these tasks.
    case cancel(workerID: String, taskIDs: [UInt64])
    /// Tell the worker to exit.
    case shutdown(workerID: String)
    /// Close the worker's connection (its connection task then reports it lost).
    case close(workerID: String)
    /// Hand finished tasks to the run's caller (recording them in its journal first).
    case deliver(run: RunID, [RawResult])
    /// End the run's results: with `error`, the caller's iteration throws it.
    case finish(run: RunID, error: ClusterError?)
    /// Pull and encode up to `count` more inputs of the run and report them with ``SchedulerEvent/inputsProduced``.
    case requestInputs(run: RunID, count: Int)
    /// Input is paused for a full result channel: post ``SchedulerEvent/consumed`` once it drains below half.
    case requestWakeup(run: RunID)
    /// Update the cluster's statistics.
    case statistics(StatisticsUpdate)
    /// Log a message.
    case log(Logger.Level, String, metadata: Logger.Metadata? = nil)
}

/// A change to ``ClusterStatistics``.
enum StatisticsUpdate: Sendable, Equatable {
    /// A worker's figures now.
    case worker(id: String, host: String, slots: Int, processID: Int32, completed: Int, busyNanoseconds: UInt64)
    /// A worker left, and why.
    case lost(workerID: String, reason: String)
    /// Tasks handed to another worker because theirs died (or their outcome asked for another go).
    case retried(Int)
    /// Speculative copies of stragglers handed out.
    case speculated(Int)
    /// A speculative copy finished first.
    case speculativeWin
    /// Queued tasks copied to an idle worker at the end of a run.
    case moved(Int)
}
