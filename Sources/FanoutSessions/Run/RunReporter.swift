import FanoutCoordinator

/// Receives what a ``RunSession`` has to say while it runs: notices, each task's result, upload progress.
///
/// Called from the run's task (results, notices) and from SSH upload threads (progress): implementations are
/// `Sendable` and keep their own state safe.
public protocol RunReporter<Output>: Sendable {
    /// The job's output type.
    associatedtype Output: Sendable

    /// Something the user should know before the results (a journal resumed, the baseline starting).
    /// - Parameter notice: What happened.
    func notice(_ notice: RunNotice)

    /// A task finished (or was replayed from the journal).
    /// - Parameters:
    ///   - result: The task's result.
    ///   - moreBuffered: Whether the next result is already here (a printer flushes only when it is not).
    func taskFinished(_ result: TaskResult<Output>, moreBuffered: Bool)

    /// Progress of copying the worker binary to a host.
    /// - Parameters:
    ///   - host: The host's label.
    ///   - sent: Bytes sent so far.
    ///   - total: Bytes to send.
    func uploadProgress(host: String, sent: Int64, total: Int64)
}

extension RunReporter {
    /// Ignores notices.
    public func notice(_ notice: RunNotice) {}

    /// Ignores upload progress.
    public func uploadProgress(host: String, sent: Int64, total: Int64) {}
}
