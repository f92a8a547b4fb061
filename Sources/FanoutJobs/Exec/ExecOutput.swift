/// How one `exec` task ended: what the program wrote, how it exited, and the files it left that were asked for.
public struct ExecOutput: Codable, Sendable, Equatable {
    /// Everything the program wrote to standard output.
    public var standardOutput: [UInt8]
    /// Everything it wrote to standard error (with a line from the worker when it could not start or was killed).
    public var standardError: [UInt8]
    /// The exit status; -1 when a signal ended it; 127 when it could not start.
    public var exitStatus: Int32
    /// The signal that ended it, or 0.
    public var signal: Int32
    /// Whether `--timeout` stopped it.
    public var timedOut: Bool
    /// When it started, in milliseconds since 1970 (the worker's clock).
    public var startMilliseconds: Int64
    /// How long it ran, in nanoseconds.
    public var runtimeNanoseconds: UInt64
    /// The 1-based slot it ran in (`{%}`).
    public var slot: Int
    /// The files asked for with `--return`.
    public var returned: [ReturnedFile]
    /// Staging went wrong (a file could not be written or read back); the job counts as failed.
    public var stagingError: String?

    /// Creates an output.
    public init(
        standardOutput: [UInt8] = [],
        standardError: [UInt8] = [],
        exitStatus: Int32 = 0,
        signal: Int32 = 0,
        timedOut: Bool = false,
        startMilliseconds: Int64 = 0,
        runtimeNanoseconds: UInt64 = 0,
        slot: Int = 1,
        returned: [ReturnedFile] = [],
        stagingError: String? = nil
    ) {
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.exitStatus = exitStatus
        self.signal = signal
        self.timedOut = timedOut
        self.startMilliseconds = startMilliseconds
        self.runtimeNanoseconds = runtimeNanoseconds
        self.slot = slot
        self.returned = returned
        self.stagingError = stagingError
    }

    /// Whether the job counts as successful: exit status 0, no signal, no timeout, staging and returns all fine.
    public var succeeded: Bool {
        self.exitStatus == 0 && self.signal == 0 && !self.timedOut && self.stagingError == nil
            && self.returned.allSatisfy { $0.error == nil }
    }
}
