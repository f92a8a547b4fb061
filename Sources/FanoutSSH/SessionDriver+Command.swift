internal import CLibSSH2

extension SessionDriver {
    /// Runs a command on a new channel, feeding it standard input and handing its output to callbacks as it
    /// arrives, until the remote side closes its output.
    ///
    /// - Parameters:
    ///   - command: The remote command line (interpreted by the user's shell).
    ///   - standardInput: Bytes to write to the command's standard input.
    ///   - closesStandardInput: Whether to send EOF once `standardInput` is written; otherwise stdin stays open
    ///     until the command ends or the operation is cancelled.
    ///   - deadline: When to give up, or `nil` for never.
    ///   - interrupt: The operation's cancellation state.
    ///   - onStandardOutput: Receives standard output bytes.
    ///   - onStandardError: Receives standard error bytes.
    /// - Returns: The exit status or signal.
    /// - Throws: `SSHError` (`channelFailed`, `commandFailed`, `timedOut`, `disconnected`) or
    ///   `CancellationError`; the channel is closed on every path.
    func runCommand(
        _ command: String,
        standardInput: [UInt8],
        closesStandardInput: Bool,
        until deadline: ContinuousClock.Instant?,
        interrupt: OperationInterrupt,
        onStandardOutput: ([UInt8]) -> Void,
        onStandardError: ([UInt8]) -> Void
    ) throws -> (status: Int32?, signal: String?) {
        let endpoint = self.target.endpointDescription
        let onTimeout = {
            SSHError(code: .timedOut, host: self.target.host, message: "`\(command)` on \(endpoint) timed out")
        }
        let channel = try self.openChannel(until: deadline, interrupt: interrupt, onTimeout: onTimeout)
        var eofSent = false
        defer { self.release(channel, sendEOF: !eofSent) }

        let started = try self.retrying(until: deadline, interrupt: interrupt, onTimeout: onTimeout) {
            fanout_libssh2_channel_exec(channel, command)
        }
        guard started == 0 else { throw self.failure(.channelFailed, "starting `\(command)`", result: started) }

        var written = 0
        var buffer = [CChar](repeating: 0, count: Self.channelChunkSize)
        while true {
            var progressed = false
            if written < standardInput.count {
                let result = standardInput.withUnsafeBufferPointer { input in
                    input.withMemoryRebound(to: CChar.self) { characters in
                        fanout_libssh2_channel_write(
                            channel,
                            characters.baseAddress! + written,
                            min(characters.count - written, Self.channelChunkSize)
                        )
                    }
                }
                if result > 0 {
                    written += result
                    progressed = true
                } else if result < 0 && result != LIBSSH2_ERROR_EAGAIN {
                    // The command stopped reading (it exited, or closed stdin); what it printed still counts.
                    written = standardInput.count
                    eofSent = true
                }
            } else if closesStandardInput && !eofSent {
                let result = libssh2_channel_send_eof(channel)
                if result != LIBSSH2_ERROR_EAGAIN {
                    eofSent = true
                    progressed = true
                }
            }

            for stream in [0, fanout_libssh2_stderr_stream()] {
                let count = fanout_libssh2_channel_read(channel, stream, &buffer, buffer.count)
                if count > 0 {
                    let bytes = buffer[0..<count].map { UInt8(bitPattern: $0) }
                    stream == 0 ? onStandardOutput(bytes) : onStandardError(bytes)
                    progressed = true
                } else if count < 0 && count != LIBSSH2_ERROR_EAGAIN {
                    throw self.failure(.commandFailed, "reading the output of `\(command)`", result: Int32(count))
                }
            }
            if !progressed {
                if libssh2_channel_eof(channel) != 0 { break }
                try self.waitForSocket(until: deadline, interrupt: interrupt, onTimeout: onTimeout)
            }
        }

        let closed = try self.retrying(until: deadline, interrupt: interrupt, onTimeout: onTimeout) {
            libssh2_channel_close(channel)
        }
        if closed == 0 {
            _ = try self.retrying(until: deadline, interrupt: interrupt, onTimeout: onTimeout) {
                libssh2_channel_wait_closed(channel)
            }
        }
        eofSent = true
        return self.exitStatus(of: channel)
    }
}
