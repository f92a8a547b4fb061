import FanoutProtocol

/// Everything that can change the scheduler's mind, delivered one at a time through its event stream.
enum SchedulerEvent: Sendable {
    /// A worker passed the handshake and is ready for tasks.
    case joined(WorkerHandle)
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
    case submitted(RunRequest)
    /// The caller drained results below the low-water mark.
    case consumed
    /// Something outside the scheduler decided the run cannot go on (e.g. `ssh.require_all_hosts`).
    case fatal(String)
    /// The cluster is closing: tell every worker to exit.
    case shutdownWorkers
    /// The caller stopped iterating a run early.
    case abandoned(RunRequest)
    /// Time passed (posted periodically while `scheduling.task_timeout` is set): look for overdue tasks.
    case tick
}
