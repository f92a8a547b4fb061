internal import CLibSSH2
internal import Glibc

extension SessionDriver {
    /// How many bytes a relay holds in each direction before it stops reading from that direction's source, so a
    /// slow side pushes back on a fast one instead of growing memory.
    static let relayBufferLimit = 256 * 1024

    /// Runs a command whose standard input and output carry a byte stream, and relays that stream to and from a
    /// connected local socket until either side ends.
    ///
    /// `standardInput` is written first; after it, every byte read from `localSocket` goes to the command's
    /// standard input, and everything the command prints on standard output goes to `localSocket`. Standard error
    /// goes to `onStandardError`. When the local side closes, the command gets EOF on its standard input and the
    /// channel is closed; when the command's output ends, the local socket is closed. The socket is closed on
    /// every path.
    ///
    /// - Parameters:
    ///   - command: The remote command line (interpreted by the user's shell).
    ///   - standardInput: Bytes for the command's standard input ahead of the relayed stream.
    ///   - localSocket: A connected socket; the driver owns it from here on.
    ///   - interrupt: The operation's cancellation state.
    ///   - onStandardError: Receives standard error bytes.
    /// - Returns: The exit status or signal, both `nil` when the remote side did not report one in time.
    /// - Throws: `SSHError` (`channelFailed`, `commandFailed`, `disconnected`) or `CancellationError`.
    func relayCommand(
        _ command: String,
        standardInput: [UInt8],
        localSocket: Int32,
        interrupt: OperationInterrupt,
        onStandardError: ([UInt8]) -> Void
    ) throws -> (status: Int32?, signal: String?) {
        defer { close(localSocket) }
        _ = fcntl(localSocket, F_SETFL, fcntl(localSocket, F_GETFL) | O_NONBLOCK)
        let endpoint = self.target.endpointDescription
        let onTimeout = {
            SSHError(code: .timedOut, host: self.target.host, message: "`\(command)` on \(endpoint) timed out")
        }
        let channel = try self.openChannel(until: nil, interrupt: interrupt, onTimeout: onTimeout)
        var eofSent = false
        defer { self.release(channel, sendEOF: !eofSent) }
        let started = try self.retrying(until: nil, interrupt: interrupt, onTimeout: onTimeout) {
            fanout_libssh2_channel_exec(channel, command)
        }
        guard started == 0 else { throw self.failure(.channelFailed, "starting `\(command)`", result: started) }

        var toRemote = RelayBuffer(standardInput)
        var toLocal = RelayBuffer([])
        var localEnded = false
        var buffer = [CChar](repeating: 0, count: Self.channelChunkSize)
        while true {
            var progressed = false
            // Remote → local: standard output into the buffer, then as much of the buffer as the socket takes.
            if toLocal.pending < Self.relayBufferLimit {
                let count = fanout_libssh2_channel_read(channel, 0, &buffer, buffer.count)
                if count > 0 {
                    toLocal.append(buffer[0..<count])
                    progressed = true
                } else if count < 0 && count != LIBSSH2_ERROR_EAGAIN {
                    throw self.failure(.commandFailed, "relaying the output of `\(command)`", result: Int32(count))
                }
            }
            let errorCount = fanout_libssh2_channel_read(channel, fanout_libssh2_stderr_stream(), &buffer, buffer.count)
            if errorCount > 0 {
                onStandardError(buffer[0..<errorCount].map { UInt8(bitPattern: $0) })
                progressed = true
            }
            if toLocal.pending > 0 {
                let sent = toLocal.withPending { send(localSocket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent > 0 {
                    toLocal.consume(sent)
                    progressed = true
                } else if sent < 0 && errno != EAGAIN && errno != EINTR {
                    // The local side is gone (the coordinator dropped the connection): end the command.
                    localEnded = true
                    toLocal.removeAll()
                }
            }
            // Local → remote.
            if !localEnded && toRemote.pending < Self.relayBufferLimit {
                let received = buffer.withUnsafeMutableBytes { recv(localSocket, $0.baseAddress, $0.count, 0) }
                if received > 0 {
                    toRemote.append(buffer[0..<received])
                    progressed = true
                } else if received == 0 || (errno != EAGAIN && errno != EINTR) {
                    localEnded = true
                    progressed = true
                }
            }
            if toRemote.pending > 0 {
                let written = toRemote.withPending { bytes in
                    bytes.withMemoryRebound(to: CChar.self) {
                        fanout_libssh2_channel_write(channel, $0.baseAddress, min($0.count, Self.channelChunkSize))
                    }
                }
                if written > 0 {
                    toRemote.consume(written)
                    progressed = true
                } else if written < 0 && written != LIBSSH2_ERROR_EAGAIN {
                    throw self.failure(.commandFailed, "relaying input to `\(command)`", result: Int32(written))
                }
            }
            if localEnded && toRemote.pending == 0 { break }
            if !progressed {
                if libssh2_channel_eof(channel) != 0 && toLocal.pending == 0 { break }
                var events: Int16 = 0
                if !localEnded && toRemote.pending < Self.relayBufferLimit { events |= Int16(POLLIN) }
                if toLocal.pending > 0 { events |= Int16(POLLOUT) }
                try self.waitForSocket(
                    until: nil,
                    interrupt: interrupt,
                    onTimeout: onTimeout,
                    also: (localSocket, events)
                )
            }
        }
        // Either side ended: the command sees EOF on its input (and exits), the local side sees the socket close.
        Glibc.shutdown(localSocket, Int32(SHUT_RDWR))
        let deadline = ContinuousClock.now + Self.relayCloseTimeout
        let quiet = OperationInterrupt(wakeup: self.wakeup)
        let sentEOF = try? self.retrying(until: deadline, interrupt: quiet, onTimeout: onTimeout) {
            libssh2_channel_send_eof(channel)
        }
        eofSent = sentEOF != nil
        // Drain what the command still prints while it exits, so its exit status arrives.
        while ContinuousClock.now < deadline, libssh2_channel_eof(channel) == 0 {
            var drained = false
            for stream in [0, fanout_libssh2_stderr_stream()] {
                let count = fanout_libssh2_channel_read(channel, stream, &buffer, buffer.count)
                if count > 0 {
                    drained = true
                    if stream != 0 { onStandardError(buffer[0..<count].map { UInt8(bitPattern: $0) }) }
                } else if count < 0 && count != LIBSSH2_ERROR_EAGAIN {
                    return (nil, nil)
                }
            }
            if !drained {
                do {
                    // Cancellable: a cluster shutting down does not wait for a host that stopped answering.
                    try self.waitForSocket(until: deadline, interrupt: interrupt, onTimeout: onTimeout)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    return (nil, nil)
                }
            }
        }
        let closed = try? self.retrying(until: deadline, interrupt: quiet, onTimeout: onTimeout) {
            libssh2_channel_close(channel)
        }
        if closed == 0 {
            _ = try? self.retrying(until: deadline, interrupt: quiet, onTimeout: onTimeout) {
                libssh2_channel_wait_closed(channel)
            }
        }
        return self.exitStatus(of: channel)
    }

    /// How long a relayed command may take to exit once its stream ended, before the channel is simply closed.
    static let relayCloseTimeout: Duration = .seconds(2)
}
