/// What became of one finished exec job, once its returned files, its `--results` files and its job-log line are
/// written: what to show, and whether it failed.
///
/// Every text in it that a worker could have chosen is already made safe for a terminal.
public struct ExecJobReport: Sendable, Equatable {
    /// The job's 1-based sequence number.
    public var sequence: Int
    /// The job's command line, replacement strings filled in.
    public var commandLine: String
    /// What the program wrote on standard output (bounded: an answer out of range is cut to its limits).
    public var standardOutput: [UInt8]
    /// What the program wrote on standard error (bounded likewise).
    public var standardError: [UInt8]
    /// Why the task failed without an output (its worker kept dying, its input could not be encoded), or `nil`.
    public var taskFailure: String?
    /// Problems `--results` met writing the job's files, each without a prefix.
    public var resultsProblems: [String]
    /// The job's own problems (staging, returned files, an answer out of range), each a sentence.
    public var problems: [String]
    /// Why the job counts as failed, for the summary (`exit status 3 on host h: cmd …`), or `nil` if it succeeded.
    public var failure: String?

    /// Creates a report.
    /// - Parameters:
    ///   - sequence: The job's sequence number.
    ///   - commandLine: Its command line.
    ///   - standardOutput: Its standard output.
    ///   - standardError: Its standard error.
    ///   - taskFailure: Why the task failed without an output.
    ///   - resultsProblems: What `--results` could not write.
    ///   - problems: The job's problems.
    ///   - failure: Why it failed, or `nil`.
    public init(
        sequence: Int,
        commandLine: String,
        standardOutput: [UInt8] = [],
        standardError: [UInt8] = [],
        taskFailure: String? = nil,
        resultsProblems: [String] = [],
        problems: [String] = [],
        failure: String? = nil
    ) {
        self.sequence = sequence
        self.commandLine = commandLine
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.taskFailure = taskFailure
        self.resultsProblems = resultsProblems
        self.problems = problems
        self.failure = failure
    }

    /// Whether the job succeeded: the program exited 0 and nothing went wrong around it.
    public var succeeded: Bool { self.failure == nil }
}
