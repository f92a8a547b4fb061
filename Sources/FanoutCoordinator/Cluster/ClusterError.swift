/// An error that stops a whole run or the cluster, as opposed to one task's failure.
public struct ClusterError: Error, CustomStringConvertible, Sendable {
    /// Stable machine-readable codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { self.name }

        /// No worker could be started or joined; the message lists every reason.
        public static let noWorkers = Code("no-workers")
        /// The coordinator could not listen on its address.
        public static let listenFailed = Code("listen-failed")
        /// The worker executable is missing or unreadable.
        public static let workerExecutable = Code("worker-executable")
        /// The job is not registered.
        public static let unknownJob = Code("unknown-job")
        /// The run was cancelled (Ctrl-C or the caller's task was cancelled).
        public static let cancelled = Code("cancelled")
        /// A `--journal` file cannot be used: unreadable, not a journal, from another run, or not matching the
        /// inputs.
        public static let journal = Code("journal")
    }

    /// The code.
    public var code: Code
    /// A sentence for humans.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { self.message }
}
