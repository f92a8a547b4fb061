/// What one `exec` task receives: the program and its arguments (already substituted, never parsed by a shell on
/// the worker), extra environment, the files to stage and to bring back, and its limits.
public struct ExecInput: Codable, Sendable, Equatable {
    /// The program (`arguments[0]`) and its arguments. Searched in `PATH` when the program has no slash.
    public var arguments: [ExecWord]
    /// `NAME=value` entries added to (or replacing in) the worker's environment.
    public var environment: [[UInt8]]
    /// The job's 1-based sequence number (`{#}`).
    public var sequence: Int
    /// Identifies the coordinator's run, so that jobs of different runs get different working directories.
    public var runID: String
    /// Files to place in the job's working directory first.
    public var files: [StagedFile]
    /// Files to read back from the working directory when the program has ended.
    public var returns: [[UInt8]]
    /// Run in a fresh working directory of its own (always so when files are staged or returned).
    public var ownDirectory: Bool
    /// Remove the job's working directory and its staged (non-base) files afterwards.
    public var cleanup: Bool
    /// Stop the job's process group after this long; 0 for no limit.
    public var timeoutMilliseconds: UInt64
    /// Stop capturing (and fail the job) past this many bytes of stdout plus stderr plus returned files, so the
    /// answer always fits in a frame.
    public var maximumOutputBytes: Int

    /// Creates an input.
    public init(
        arguments: [ExecWord],
        environment: [[UInt8]] = [],
        sequence: Int,
        runID: String = "",
        files: [StagedFile] = [],
        returns: [[UInt8]] = [],
        ownDirectory: Bool = false,
        cleanup: Bool = false,
        timeoutMilliseconds: UInt64 = 0,
        maximumOutputBytes: Int = 15 * 1024 * 1024
    ) {
        self.arguments = arguments
        self.environment = environment
        self.sequence = sequence
        self.runID = runID
        self.files = files
        self.returns = returns
        self.ownDirectory = ownDirectory || !files.isEmpty || !returns.isEmpty
        self.cleanup = cleanup
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maximumOutputBytes = maximumOutputBytes
    }
}
