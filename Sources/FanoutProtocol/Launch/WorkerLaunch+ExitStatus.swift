extension WorkerLaunch {
    /// Exit statuses of a worker process.
    public enum ExitStatus: Int32, Sendable, CaseIterable {
        /// The coordinator sent `shutdown`.
        case shutdown = 0
        /// Bad arguments, or no secret or channel security line on standard input.
        case usage = 2
        /// The connection was lost or the coordinator went silent.
        case connectionLost = 3
        /// The handshake failed (refused, wrong secret, version or binary mismatch, TLS certificate mismatch).
        case handshakeFailed = 4
        /// A task ran past `scheduling.task_timeout`; the process exits to stop it.
        case taskTimedOut = 5

        /// Whether a worker that exits with this status died mid-run and is worth replacing. Stopping as told,
        /// bad arguments and a refused handshake are not: a replacement would only repeat them.
        public var meansDied: Bool {
            switch self {
            case .shutdown, .usage, .handshakeFailed: false
            case .connectionLost, .taskTimedOut: true
            }
        }
    }

    /// Whether a worker process that ended this way died mid-run (killed, crashed, lost its connection, stopped a
    /// task past its timeout) rather than stopping as told, being refused, or failing on its arguments.
    /// - Parameter exitStatus: The process's exit status, or `nil` when it has none (it was killed by a signal,
    ///   or the remote side reported no status).
    /// - Returns: `true` when it died; an unknown status counts as dying.
    public static func died(exitStatus: Int32?) -> Bool {
        guard let exitStatus, let known = ExitStatus(rawValue: exitStatus) else { return true }
        return known.meansDied
    }
}
