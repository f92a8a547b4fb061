/// Receives what an ``ExecSession`` does, as it does it: the command line prints it, a library user may collect
/// it. Called from the task that reads the results, one call at a time, in the order jobs finish (input order with
/// ``ExecSessionOptions/keepOrder``).
public protocol ExecReporter: Sendable {
    /// The session read its job log before running anything.
    /// - Parameter resumption: Which jobs the log holds as done.
    func resumed(_ resumption: ExecResumption)

    /// One job finished; its returned files, `--results` files and job-log line are written.
    /// - Parameters:
    ///   - report: What became of it.
    ///   - moreReady: Whether more finished jobs are already waiting (a printer may flush only when none are).
    func jobFinished(_ report: ExecJobReport, moreReady: Bool)
}
