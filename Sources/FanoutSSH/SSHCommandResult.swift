/// What a remote command produced. A non-zero exit status is a result, not an error.
public struct SSHCommandResult: Sendable {
    /// Everything the command wrote to standard output.
    public var standardOutput: [UInt8]
    /// Everything the command wrote to standard error (empty for streaming runs, which hand lines to a callback).
    public var standardError: [UInt8]
    /// The exit status, or `nil` when the command was killed by a signal.
    public var exitStatus: Int32?
    /// The name of the signal that killed the command (`TERM`, `KILL`, …), if any.
    public var exitSignal: String?

    /// Creates a result.
    ///
    /// - Parameters:
    ///   - standardOutput: The bytes written to standard output.
    ///   - standardError: The bytes written to standard error.
    ///   - exitStatus: The exit status, or `nil` when killed by a signal.
    ///   - exitSignal: The name of the signal that killed the command.
    public init(standardOutput: [UInt8], standardError: [UInt8], exitStatus: Int32?, exitSignal: String?) {
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
    }
}
