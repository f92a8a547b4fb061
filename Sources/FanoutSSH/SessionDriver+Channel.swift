internal import CLibSSH2

extension SessionDriver {
    /// The largest piece read from or written to a channel in one libssh2 call.
    static let channelChunkSize = 32 * 1024
    /// How long closing a channel may take on the way out (after cancellation, a timeout or an error).
    static let channelReleaseTimeout: Duration = .milliseconds(500)

    /// Opens a session channel.
    ///
    /// - Parameters:
    ///   - deadline: When to give up.
    ///   - interrupt: The operation's cancellation state.
    ///   - onTimeout: The error for the deadline.
    /// - Returns: The channel; pass it to `release(_:)`.
    /// - Throws: `SSHError(.channelFailed)`, `onTimeout()`, or `CancellationError`.
    func openChannel(
        until deadline: ContinuousClock.Instant?,
        interrupt: OperationInterrupt,
        onTimeout: () -> SSHError
    ) throws -> OpaquePointer {
        let channel = try self.retryingPointer(until: deadline, interrupt: interrupt, onTimeout: onTimeout) {
            fanout_libssh2_channel_open_session(self.session)
        }
        guard let channel else {
            throw self.failure(.channelFailed, "opening a channel", result: self.lastErrorCode)
        }
        return channel
    }

    /// Closes and frees a channel within `channelReleaseTimeout`, whatever state it and the task are in.
    ///
    /// The remote side sees EOF on its standard input and then the channel close; if the server does not
    /// confirm in time, the channel is left for `libssh2_session_free` to reclaim.
    ///
    /// - Parameters:
    ///   - channel: The channel to free; unusable afterwards.
    ///   - sendEOF: Whether EOF still has to be sent.
    func release(_ channel: OpaquePointer, sendEOF: Bool = true) {
        let deadline = ContinuousClock.now + Self.channelReleaseTimeout
        let uninterruptible = OperationInterrupt(wakeup: self.wakeup)
        let onTimeout = { SSHError(code: .channelFailed, host: self.target.host, message: "channel close timed out") }
        if sendEOF {
            _ = try? self.retrying(until: deadline, interrupt: uninterruptible, onTimeout: onTimeout) {
                libssh2_channel_send_eof(channel)
            }
        }
        _ = try? self.retrying(until: deadline, interrupt: uninterruptible, onTimeout: onTimeout) {
            libssh2_channel_close(channel)
        }
        let freed = try? self.retrying(until: deadline, interrupt: uninterruptible, onTimeout: onTimeout) {
            libssh2_channel_free(channel)
        }
        // The server did not confirm within the limit: it is unreachable, and teardown need not wait for it again.
        if freed == nil { self.peerUnresponsive = true }
    }

    /// The exit status and signal the server reported for a closed channel.
    func exitStatus(of channel: OpaquePointer) -> (status: Int32?, signal: String?) {
        var signal: UnsafeMutablePointer<CChar>?
        var signalLength = 0
        var errorMessage: UnsafeMutablePointer<CChar>?
        var errorMessageLength = 0
        var language: UnsafeMutablePointer<CChar>?
        var languageLength = 0
        _ = libssh2_channel_get_exit_signal(
            channel,
            &signal,
            &signalLength,
            &errorMessage,
            &errorMessageLength,
            &language,
            &languageLength
        )
        defer {
            for pointer in [signal, errorMessage, language] {
                if let pointer { libssh2_free(self.session, pointer) }
            }
        }
        if let signal, signalLength > 0 {
            return (nil, String(cString: signal))
        }
        return (libssh2_channel_get_exit_status(channel), nil)
    }
}
