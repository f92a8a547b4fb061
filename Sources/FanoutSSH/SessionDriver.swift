internal import CLibSSH2
internal import Glibc

/// One libssh2 session and its socket, driven in non-blocking mode by a `poll` loop.
///
/// Confined to the session's single thread: every method is called from a work item of that session's
/// `NIOThreadPool`, one at a time, which is why it can be `@unchecked Sendable` without a lock.
final class SessionDriver: @unchecked Sendable {
    /// How long teardown (disconnect message, freeing the session) may take before the socket is simply closed.
    static let teardownTimeout: Duration = .seconds(1)

    let target: SSHTarget
    let session: OpaquePointer
    let socket: Int32
    let wakeup: WakeupPipe
    /// Keepalives are sent from the wait loop only once authenticated: before that there is nobody to ping.
    var keepaliveEnabled = false
    /// Set when the server stopped answering (a channel could not be closed in time): teardown then drops the
    /// connection instead of waiting `teardownTimeout` again for a goodbye nobody will read.
    var peerUnresponsive = false

    private init(target: SSHTarget, session: OpaquePointer, socket: Int32, wakeup: WakeupPipe) {
        self.target = target
        self.session = session
        self.socket = socket
        self.wakeup = wakeup
    }

    /// Creates a libssh2 session over a connected socket. The driver owns the socket from here on.
    ///
    /// - Parameters:
    ///   - target: The target, for messages and settings.
    ///   - socket: A connected, non-blocking socket.
    ///   - wakeup: The pipe cancellation handlers write to.
    /// - Returns: The driver; call `shutdown()` when done.
    /// - Throws: `SSHError` (`handshakeFailed`) when libssh2 cannot be initialised.
    static func make(target: SSHTarget, socket: Int32, wakeup: WakeupPipe) throws -> SessionDriver {
        guard LibSSH2Library.ensureInitialized(), let session = fanout_libssh2_session_init() else {
            close(socket)
            throw SSHError(code: .handshakeFailed, host: target.host, message: "cannot initialise libssh2")
        }
        libssh2_session_set_blocking(session, 0)
        return SessionDriver(target: target, session: session, socket: socket, wakeup: wakeup)
    }

    /// Says goodbye to the server and frees the session and socket, bounded by `teardownTimeout`.
    ///
    /// Runs on every path, including after cancellation, so it ignores the task's cancellation state.
    func shutdown() {
        // Blocking mode with an API timeout turns libssh2's internal waits into bounded ones, which is all
        // teardown needs; the poll loop would only add cancellation, which teardown must not honour.
        libssh2_session_set_timeout(self.session, Int(PollTimeout.milliseconds(Self.teardownTimeout)))
        libssh2_session_set_blocking(self.session, 1)
        if self.peerUnresponsive { Glibc.shutdown(self.socket, Int32(SHUT_RDWR)) }
        _ = fanout_libssh2_session_disconnect(self.session, "fanout: done")
        _ = libssh2_session_free(self.session)
        close(self.socket)
    }

    /// libssh2's description of its last error.
    var lastErrorMessage: String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        _ = libssh2_session_last_error(self.session, &message, &length, 0)
        guard let message, length > 0 else { return "unknown libssh2 error" }
        return String(cString: message)
    }

    /// libssh2's last error code (`LIBSSH2_ERROR_EAGAIN` when a call returned `NULL` because it would block).
    var lastErrorCode: Int32 { libssh2_session_last_errno(self.session) }

    /// Waits until the socket is ready in the directions libssh2 is blocked on, the deadline passes, or the
    /// operation is cancelled. Sends keepalives as they fall due.
    ///
    /// - Parameters:
    ///   - deadline: When to give up, or `nil` for never.
    ///   - interrupt: The operation's cancellation state.
    ///   - onTimeout: The error to throw when the deadline has passed.
    ///   - extra: Another descriptor to wake up for, with the `poll` events to wait for (a relay's local socket).
    /// - Throws: `onTimeout()`, `CancellationError`, or `SSHError(.disconnected)` when a keepalive cannot be sent.
    func waitForSocket(
        until deadline: ContinuousClock.Instant?,
        interrupt: OperationInterrupt,
        onTimeout: () -> SSHError,
        also extra: (descriptor: Int32, events: Int16)? = nil
    ) throws {
        try interrupt.check()
        var timeout = Duration.seconds(3600)
        if let deadline {
            let remaining = deadline - .now
            guard remaining > .zero else { throw onTimeout() }
            timeout = remaining
        }
        if self.keepaliveEnabled {
            var secondsToNext: Int32 = 0
            let result = libssh2_keepalive_send(self.session, &secondsToNext)
            if result != 0 && result != LIBSSH2_ERROR_EAGAIN {
                throw SSHError(
                    code: .disconnected,
                    host: self.target.host,
                    message: "lost the connection to \(self.target.endpointDescription): \(self.lastErrorMessage)"
                )
            }
            if secondsToNext > 0 { timeout = min(timeout, .seconds(secondsToNext)) }
        }
        let directions = libssh2_session_block_directions(self.session)
        var events: Int32 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= POLLIN }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= POLLOUT }
        // Waiting for channel data or window space leaves no transport direction set; both arrive as input.
        if events == 0 { events = POLLIN }
        var descriptors = [
            pollfd(fd: self.socket, events: Int16(events), revents: 0),
            pollfd(fd: self.wakeup.readDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        if let extra, extra.events != 0 {
            descriptors.append(pollfd(fd: extra.descriptor, events: extra.events, revents: 0))
        }
        _ = poll(&descriptors, nfds_t(descriptors.count), PollTimeout.milliseconds(timeout))
        if descriptors[1].revents != 0 { self.wakeup.drain() }
        try interrupt.check()
    }

    /// Calls a libssh2 function until it stops answering `LIBSSH2_ERROR_EAGAIN`, waiting on the socket between
    /// tries.
    ///
    /// - Parameters:
    ///   - deadline: When to give up, or `nil` for never.
    ///   - interrupt: The operation's cancellation state.
    ///   - onTimeout: The error to throw when the deadline has passed.
    ///   - call: The libssh2 call.
    /// - Returns: The call's first result other than `LIBSSH2_ERROR_EAGAIN`.
    /// - Throws: `onTimeout()` or `CancellationError`.
    func retrying<Result: BinaryInteger>(
        until deadline: ContinuousClock.Instant?,
        interrupt: OperationInterrupt,
        onTimeout: () -> SSHError,
        _ call: () -> Result
    ) throws -> Result {
        while true {
            let result = call()
            if result != LIBSSH2_ERROR_EAGAIN { return result }
            try self.waitForSocket(until: deadline, interrupt: interrupt, onTimeout: onTimeout)
        }
    }

    /// Like `retrying`, for libssh2 calls that return a pointer and report "would block" through the last error.
    ///
    /// - Parameters:
    ///   - deadline: When to give up, or `nil` for never.
    ///   - interrupt: The operation's cancellation state.
    ///   - onTimeout: The error to throw when the deadline has passed.
    ///   - call: The libssh2 call.
    /// - Returns: The pointer, or `nil` on a real failure (see `lastErrorMessage`).
    /// - Throws: `onTimeout()` or `CancellationError`.
    func retryingPointer(
        until deadline: ContinuousClock.Instant?,
        interrupt: OperationInterrupt,
        onTimeout: () -> SSHError,
        _ call: () -> OpaquePointer?
    ) throws -> OpaquePointer? {
        while true {
            if let pointer = call() { return pointer }
            guard self.lastErrorCode == LIBSSH2_ERROR_EAGAIN else { return nil }
            try self.waitForSocket(until: deadline, interrupt: interrupt, onTimeout: onTimeout)
        }
    }

    /// The error for a libssh2 failure in the middle of an operation: `disconnected` when the connection is gone.
    ///
    /// - Parameters:
    ///   - code: The code to use when the connection is still there.
    ///   - context: What was being done, e.g. "running `ls`".
    ///   - result: The libssh2 return code.
    /// - Returns: The error.
    func failure(_ code: SSHError.Code, _ context: String, result: Int32) -> SSHError {
        let lostConnection: Set<Int32> = [
            LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_SEND,
            LIBSSH2_ERROR_SOCKET_TIMEOUT,
        ]
        let endpoint = self.target.endpointDescription
        if lostConnection.contains(result) {
            return SSHError(
                code: .disconnected,
                host: self.target.host,
                message: "lost the connection to \(endpoint) while \(context): \(self.lastErrorMessage)"
            )
        }
        return SSHError(
            code: code,
            host: self.target.host,
            message: "\(context) on \(endpoint) failed: \(self.lastErrorMessage)"
        )
    }
}
