/// Something a ``RunSession`` tells its reporter before the results.
public enum RunNotice: Sendable, Equatable {
    /// The journal's last record was torn (the coordinator died mid-write) and was cut off; that task runs again.
    case tornJournalRecordCut(path: String, bytes: Int)
    /// A journal is being resumed: `recorded` of `tasks` tasks are in it, `failedToRerun` failed ones run again.
    case resuming(path: String, recorded: Int, tasks: Int, failedToRerun: Int)
    /// The sequential baseline of `tasks` tasks starts (with ``RunSettings/speedup``).
    case sequentialBaselineStarted(tasks: Int)
}
