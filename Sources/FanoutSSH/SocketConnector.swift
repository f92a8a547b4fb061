internal import Glibc

/// Opens the TCP connection under an SSH session: name resolution, then a non-blocking connect bounded by a
/// deadline and interruptible by task cancellation.
enum SocketConnector {
    /// A connected, non-blocking socket and how long the TCP handshake took.
    struct Connection {
        /// The socket; the caller owns it and must close it.
        var descriptor: Int32
        /// SYN to SYN-ACK: one network round trip.
        var roundTripTime: Duration
    }

    /// Connects to the target, trying each resolved address in turn until the deadline.
    ///
    /// - Parameters:
    ///   - target: The host and port.
    ///   - deadline: When to give up.
    ///   - interrupt: The operation's cancellation state.
    ///   - wakeup: The pipe a cancellation writes to.
    /// - Returns: The connected socket.
    /// - Throws: `SSHError` (`connectFailed`, `timedOut`) or `CancellationError`.
    static func connect(
        to target: SSHTarget,
        deadline: ContinuousClock.Instant,
        interrupt: OperationInterrupt,
        wakeup: WakeupPipe
    ) throws -> Connection {
        let endpoint = target.endpointDescription
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var addresses: UnsafeMutablePointer<addrinfo>?
        let resolution = getaddrinfo(target.host, String(target.port), &hints, &addresses)
        guard resolution == 0, let first = addresses else {
            let reason = String(cString: gai_strerror(resolution))
            throw SSHError(code: .connectFailed, host: target.host, message: "cannot resolve \(target.host): \(reason)")
        }
        defer { freeaddrinfo(first) }

        var lastError = SSHError(code: .connectFailed, host: target.host, message: "cannot connect to \(endpoint)")
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            candidate = address.pointee.ai_next
            do {
                return try self.connect(
                    address: address.pointee,
                    target: target,
                    deadline: deadline,
                    interrupt: interrupt,
                    wakeup: wakeup
                )
            } catch let error as SSHError where error.code == .connectFailed {
                lastError = error
            }
        }
        throw lastError
    }

    private static func connect(
        address: addrinfo,
        target: SSHTarget,
        deadline: ContinuousClock.Instant,
        interrupt: OperationInterrupt,
        wakeup: WakeupPipe
    ) throws -> Connection {
        let endpoint = target.endpointDescription
        let descriptor = socket(address.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw SSHError(
                code: .connectFailed,
                host: target.host,
                message: "cannot connect to \(endpoint): socket: \(String(cString: strerror(errno)))"
            )
        }
        var connected = false
        defer { if !connected { close(descriptor) } }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var noDelay: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))

        let clock = ContinuousClock()
        let start = clock.now
        if Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { throw self.failure(errno, endpoint: endpoint, host: target.host) }
            while true {
                try interrupt.check()
                let remaining = deadline - clock.now
                guard remaining > .zero else {
                    throw SSHError(
                        code: .timedOut,
                        host: target.host,
                        message: "connecting to \(endpoint) timed out after \(target.connectTimeout) "
                            + "(\(String(cString: strerror(ETIMEDOUT))))"
                    )
                }
                var descriptors = [
                    pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0),
                    pollfd(fd: wakeup.readDescriptor, events: Int16(POLLIN), revents: 0),
                ]
                let ready = poll(&descriptors, 2, PollTimeout.milliseconds(remaining))
                if descriptors[1].revents != 0 { wakeup.drain() }
                if ready > 0 && descriptors[0].revents != 0 { break }
            }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &length)
            guard socketError == 0 else { throw self.failure(socketError, endpoint: endpoint, host: target.host) }
        }
        connected = true
        return Connection(descriptor: descriptor, roundTripTime: clock.now - start)
    }

    private static func failure(_ code: Int32, endpoint: String, host: String) -> SSHError {
        SSHError(
            code: .connectFailed,
            host: host,
            message: "cannot connect to \(endpoint): \(String(cString: strerror(code)))"
        )
    }
}
