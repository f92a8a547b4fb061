extension SSHSession {
    /// Runs a command built from quoted words (see `run(_:standardInput:timeout:)` for the behaviour).
    ///
    /// - Parameters:
    ///   - command: The command; each word reaches the remote program unchanged.
    ///   - standardInput: Bytes for the command's standard input.
    ///   - timeout: How long the whole command may take, or `nil` for no limit.
    /// - Returns: Output, error output and exit status.
    /// - Throws: `SSHError` or `CancellationError`.
    public func run(
        _ command: RemoteCommand,
        standardInput: [UInt8] = [],
        timeout: Duration? = nil
    ) async throws -> SSHCommandResult {
        try await self.run(command.line, standardInput: standardInput, timeout: timeout)
    }

    /// Runs a long-lived command built from quoted words (see `runStreaming(_:standardInput:onStandardErrorLine:)`).
    ///
    /// - Parameters:
    ///   - command: The command; each word reaches the remote program unchanged.
    ///   - standardInput: Bytes written to stdin first; stdin then stays open.
    ///   - onStandardErrorLine: Called with each stderr line.
    /// - Returns: Collected standard output and the exit status.
    /// - Throws: `SSHError` or `CancellationError`.
    public func runStreaming(
        _ command: RemoteCommand,
        standardInput: [UInt8],
        onStandardErrorLine: @escaping @Sendable (String) -> Void
    ) async throws -> SSHCommandResult {
        try await self.runStreaming(
            command.line,
            standardInput: standardInput,
            onStandardErrorLine: onStandardErrorLine
        )
    }

    /// Runs a relayed command built from quoted words (see
    /// `runRelayed(_:standardInput:localHost:localPort:onStandardErrorLine:)`).
    ///
    /// - Parameters:
    ///   - command: The command; each word reaches the remote program unchanged.
    ///   - standardInput: Bytes written to stdin ahead of the relayed stream.
    ///   - localHost: The numeric address to connect to on this machine.
    ///   - localPort: Its port.
    ///   - onStandardErrorLine: Called with each stderr line.
    /// - Returns: The exit status or signal.
    /// - Throws: `SSHError` or `CancellationError`.
    public func runRelayed(
        _ command: RemoteCommand,
        standardInput: [UInt8],
        localHost: String,
        localPort: Int,
        onStandardErrorLine: @escaping @Sendable (String) -> Void
    ) async throws -> SSHCommandResult {
        try await self.runRelayed(
            command.line,
            standardInput: standardInput,
            localHost: localHost,
            localPort: localPort,
            onStandardErrorLine: onStandardErrorLine
        )
    }
}
