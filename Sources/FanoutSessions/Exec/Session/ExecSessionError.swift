/// Why an exec session could not start: its words, its inputs, its plan or its job log.
///
/// Every one of these is found before any job runs. The message is for people, without a `fanout exec:` prefix;
/// the code says which kind of problem it is, so the command line can choose how to show it and its exit status
/// without reading the text.
public struct ExecSessionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of problem; new codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case usage
            case unreadableInput
            case plan
            case jobLog
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The words do not make a command and its input sources (no command, a `::::` without a file).
        public static let usage = Code(.usage)
        /// An input source (a `::::` file or standard input) cannot be read.
        public static let unreadableInput = Code(.unreadableInput)
        /// The command, its inputs and its options do not make a plan: a `{N}` without source N, too many jobs, a
        /// `--return` path outside this directory, files that cannot be read or do not fit in a task message.
        public static let plan = Code(.plan)
        /// The `--joblog` file cannot be opened.
        public static let jobLog = Code(.jobLog)

        public var description: String { self.base.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// What is wrong, for people.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - message: What is wrong, for people.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { self.message }
}
