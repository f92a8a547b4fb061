import FanoutProtocol

/// Everything that can change the scheduler's mind, handed to ``SchedulerStateMachine`` one at a time.
///
/// Events are plain values: workers are named by id and runs by ``RunID``; the driver (``Scheduler``) keeps the
/// connections and result channels they stand for.
enum SchedulerEvent: Sendable {
    /// A worker passed the handshake and is ready for tasks.
    case joined(WorkerDescription)
    /// A worker sent finished tasks.
    case completed(workerID: String, results: [TaskCompletion])
    /// A worker said it is about to exit (a task ran past the task timeout): it gets nothing more.
    case leaving(workerID: String)
    /// A worker's connection ended; its in-flight tasks must go elsewhere.
    case lost(workerID: String, reason: String)
    /// A launcher gave up on one worker (it exited or could not start) before or after joining.
    case launchEnded(launchID: String, reason: String?)
    /// A launcher is about to start a worker; the scheduler waits for it before declaring "no workers".
    case launchStarted(launchID: String)
    /// A caller started iterating a `map`.
    case submitted(RunDescription)
    /// The input producer pulled and encoded inputs that were asked for; `finished` when the sequence ended.
    case inputsProduced(run: RunID, inputs: [ProducedInput], finished: Bool)
    /// The caller drained results below half the limits; `held` and `heldBytes` is what the channel still holds.
    case consumed(run: RunID, held: Int, heldBytes: Int)
    /// Something outside the scheduler decided the run cannot go on (e.g. `ssh.require_all_hosts`).
    case fatal(String)
    /// The cluster is closing: tell every worker to exit.
    case shutdownWorkers
    /// The caller stopped iterating a run early.
    case abandoned(RunID)
    /// Time passed (posted periodically while `scheduling.task_timeout` is set): look for overdue tasks.
    case tick
    /// The scheduler stops: every run still going fails.
    case stopped
}
