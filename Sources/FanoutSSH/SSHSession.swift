internal import NIOConcurrencyHelpers
internal import NIOPosix

/// An authenticated SSH connection to one host, valid only inside `withSession`'s body.
///
/// Every libssh2 call of a session runs on the session's own thread (a one-thread `NIOThreadPool`), never on
/// the cooperative pool or an event loop. Operations therefore run one at a time, in the order they are called:
/// a `runStreaming` holds the session until its command ends, so use a second session for commands meant to
/// run alongside it.
public final class SSHSession: Sendable {
    /// The key the server presented (verified against `known_hosts` under `HostKeyPolicy.strict`).
    public let hostKey: SSHHostKey
    /// How long the TCP handshake took: SYN to SYN-ACK is exactly one network round trip, measured without
    /// any server-side work in it.
    public let roundTripTime: Duration
    /// Where this session is connected.
    public let target: SSHTarget

    private let thread: NIOThreadPool
    private let driver: SessionDriver

    private init(
        target: SSHTarget,
        hostKey: SSHHostKey,
        roundTripTime: Duration,
        thread: NIOThreadPool,
        driver: SessionDriver
    ) {
        self.target = target
        self.hostKey = hostKey
        self.roundTripTime = roundTripTime
        self.thread = thread
        self.driver = driver
    }

    /// Connects, verifies the host key per policy, authenticates, runs `body`, and always disconnects and frees
    /// everything afterwards, whether `body` returns, throws, or is cancelled.
    ///
    /// - Parameters:
    ///   - target: The host, user, keys and limits.
    ///   - hostKeyPolicy: `.strict` to require a `known_hosts` match; `.acceptAny` only to record a new key.
    ///   - body: Work to do with the session; the session must not escape it.
    /// - Returns: What `body` returns.
    /// - Throws: `SSHError` for connection, host key and authentication failures, `CancellationError`, or what
    ///   `body` throws.
    public static func withSession<R: Sendable>(
        _ target: SSHTarget,
        hostKeyPolicy: HostKeyPolicy = .strict,
        _ body: (SSHSession) async throws -> R
    ) async throws -> R {
        try await self.withSessionThread(target) { thread, wakeup in
            try await self.withConnectedSession(target, hostKeyPolicy, thread, wakeup, body)
        }
    }

    /// Gives `body` the session's own thread and wake-up pipe, and always shuts the thread down afterwards.
    private static func withSessionThread<R: Sendable>(
        _ target: SSHTarget,
        _ body: (NIOThreadPool, WakeupPipe) async throws -> R
    ) async throws -> R {
        guard let wakeup = WakeupPipe() else {
            throw SSHError(
                code: .connectFailed,
                host: target.host,
                message: "cannot connect to \(target.endpointDescription): out of file descriptors"
            )
        }
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        do {
            let result = try await body(thread, wakeup)
            try? await thread.shutdownGracefully()
            return result
        } catch {
            try? await thread.shutdownGracefully()
            throw error
        }
    }

    /// Connects and runs the key exchange only, to learn the server's host key without authenticating
    /// (for `fanout hosts trust`, which shows the fingerprint before recording it). Nothing is verified.
    ///
    /// - Parameter target: The host and port (user and keys are not used).
    /// - Returns: The key the server presented.
    /// - Throws: `SSHError` (`connectFailed`, `timedOut`, `handshakeFailed`) or `CancellationError`.
    public static func fetchHostKey(_ target: SSHTarget) async throws -> SSHHostKey {
        try await self.withSessionThread(target) { thread, wakeup in
            try await self.perform(on: thread, wakeup: wakeup) { interrupt in
                let connected = try SessionDriver.connect(
                    to: target,
                    policy: .acceptAny,
                    interrupt: interrupt,
                    wakeup: wakeup
                )
                connected.driver.shutdown()
                return connected.hostKey
            }
        }
    }

    private static func withConnectedSession<R: Sendable>(
        _ target: SSHTarget,
        _ policy: HostKeyPolicy,
        _ thread: NIOThreadPool,
        _ wakeup: WakeupPipe,
        _ body: (SSHSession) async throws -> R
    ) async throws -> R {
        let (driver, hostKey, roundTripTime) = try await self.perform(on: thread, wakeup: wakeup) { interrupt in
            let connected = try SessionDriver.connect(to: target, policy: policy, interrupt: interrupt, wakeup: wakeup)
            do {
                try connected.driver.authenticate(interrupt: interrupt)
            } catch {
                connected.driver.shutdown()
                throw error
            }
            return connected
        }
        let session = SSHSession(
            target: target,
            hostKey: hostKey,
            roundTripTime: roundTripTime,
            thread: thread,
            driver: driver
        )
        do {
            let result = try await body(session)
            await session.shutdown()
            return result
        } catch {
            await session.shutdown()
            throw error
        }
    }

    /// Runs a command, writes `standardInput` and then EOF to it, and collects everything it prints.
    ///
    /// - Parameters:
    ///   - command: The command line, interpreted by the remote user's shell; build it with `RemoteCommand`
    ///     whenever it holds a value, so that no value is read as shell code.
    ///   - standardInput: Bytes for the command's standard input.
    ///   - timeout: How long the whole command may take, or `nil` for no limit.
    /// - Returns: Output, error output and exit status; a non-zero status is a result, not an error.
    /// - Throws: `SSHError` (`timedOut`, `channelFailed`, `commandFailed`, `disconnected`) or
    ///   `CancellationError`; the channel is closed either way.
    public func run(
        _ command: String,
        standardInput: [UInt8] = [],
        timeout: Duration? = nil
    ) async throws -> SSHCommandResult {
        try await self.perform { driver, interrupt in
            var output: [UInt8] = []
            var errorOutput: [UInt8] = []
            let (status, signal) = try driver.runCommand(
                command,
                standardInput: standardInput,
                closesStandardInput: true,
                until: timeout.map { ContinuousClock.now + $0 },
                interrupt: interrupt,
                onStandardOutput: { output += $0 },
                onStandardError: { errorOutput += $0 }
            )
            return SSHCommandResult(
                standardOutput: output,
                standardError: errorOutput,
                exitStatus: status,
                exitSignal: signal
            )
        }
    }

    /// Runs a long-lived command (a remote worker): writes `standardInput` but keeps stdin open, reports each
    /// line of standard error as it arrives, and returns when the command exits or the channel closes.
    ///
    /// On task cancellation the channel is closed, so the command sees EOF on stdin, and `CancellationError` is
    /// thrown within `SessionDriver.channelReleaseTimeout` (half a second). Keepalives go out every
    /// `target.keepaliveInterval` meanwhile. Standard output is collected, up to
    /// `maximumStreamingOutput` bytes; more is dropped.
    ///
    /// - Parameters:
    ///   - command: The command line, interpreted by the remote user's shell; build it with `RemoteCommand`
    ///     whenever it holds a value, so that no value is read as shell code.
    ///   - standardInput: Bytes written to stdin first; stdin then stays open.
    ///   - onStandardErrorLine: Called with each stderr line (without its newline) on the session's thread;
    ///     keep it short. A last line without newline is delivered when the command ends.
    /// - Returns: Collected standard output and the exit status; `standardError` is empty.
    /// - Throws: `SSHError` or `CancellationError`.
    public func runStreaming(
        _ command: String,
        standardInput: [UInt8],
        onStandardErrorLine: @escaping @Sendable (String) -> Void
    ) async throws -> SSHCommandResult {
        try await self.perform { driver, interrupt in
            var output: [UInt8] = []
            var lines = LineSplitter(onLine: onStandardErrorLine)
            defer { lines.finish() }
            let (status, signal) = try driver.runCommand(
                command,
                standardInput: standardInput,
                closesStandardInput: false,
                until: nil,
                interrupt: interrupt,
                onStandardOutput: { bytes in
                    output += bytes.prefix(max(0, Self.maximumStreamingOutput - output.count))
                },
                onStandardError: { lines.add($0) }
            )
            return SSHCommandResult(standardOutput: output, standardError: [], exitStatus: status, exitSignal: signal)
        }
    }

    /// Runs a long-lived command whose standard input and output carry a byte stream, and relays that stream
    /// to and from a TCP endpoint on this machine: the connection "inside the SSH session" of
    /// `transport: ssh-tunnel`, where a remote worker speaks the protocol on its standard I/O and the coordinator's
    /// listener sees a loopback connection.
    ///
    /// `standardInput` goes first (the launch lines), then the relayed stream. It returns when either side ends:
    /// when the local connection closes the command gets EOF on its standard input. Keepalives go out meanwhile.
    ///
    /// - Parameters:
    ///   - command: The command line, interpreted by the remote user's shell; build it with `RemoteCommand`
    ///     whenever it holds a value, so that no value is read as shell code.
    ///   - standardInput: Bytes written to stdin ahead of the relayed stream.
    ///   - localHost: The numeric address to connect to on this machine (`127.0.0.1`, `::1`).
    ///   - localPort: Its port.
    ///   - onStandardErrorLine: Called with each stderr line (without its newline) on the session's thread.
    /// - Returns: The exit status or signal (both `nil` when the command did not report one in time); the output
    ///   fields are empty.
    /// - Throws: `SSHError` (`relayFailed` when the local endpoint cannot be reached) or `CancellationError`.
    public func runRelayed(
        _ command: String,
        standardInput: [UInt8],
        localHost: String,
        localPort: Int,
        onStandardErrorLine: @escaping @Sendable (String) -> Void
    ) async throws -> SSHCommandResult {
        let host = self.target.host
        return try await self.perform { driver, interrupt in
            guard let socket = LoopbackConnector.connect(host: localHost, port: localPort) else {
                throw SSHError(
                    code: .relayFailed,
                    host: host,
                    message: "cannot relay \(host)'s worker: connecting to \(localHost):\(localPort) failed"
                )
            }
            var lines = LineSplitter(onLine: onStandardErrorLine)
            defer { lines.finish() }
            let (status, signal) = try driver.relayCommand(
                command,
                standardInput: standardInput,
                localSocket: socket,
                interrupt: interrupt,
                onStandardError: { lines.add($0) }
            )
            return SSHCommandResult(standardOutput: [], standardError: [], exitStatus: status, exitSignal: signal)
        }
    }

    /// The most standard output `runStreaming` keeps: workers report over their own connection, so their
    /// stdout is diagnostics at most, and a chatty one must not grow the coordinator without bound.
    public static let maximumStreamingOutput = 16 * 1024 * 1024

    /// Uploads a local file with SCP, creating or replacing `remotePath`.
    ///
    /// - Parameters:
    ///   - localPath: The file to send.
    ///   - remotePath: The destination path on the host (its directory must exist). libssh2 quotes it for the
    ///     remote shell (`scp -t 'PATH'`).
    ///   - mode: The permission bits of the remote file.
    ///   - progress: Called after each chunk with (bytes sent, total bytes), on the session's thread.
    /// - Throws: `SSHError(.uploadFailed)`, `SSHError(.disconnected)`, or `CancellationError`.
    public func upload(
        localPath: String,
        remotePath: String,
        mode: Int32 = 0o755,
        progress: @escaping @Sendable (Int64, Int64) -> Void = { _, _ in }
    ) async throws {
        try await self.perform { driver, interrupt in
            try driver.upload(
                localPath: localPath,
                remotePath: remotePath,
                mode: mode,
                interrupt: interrupt,
                progress: progress
            )
        }
    }

    private func perform<T: Sendable>(
        _ body: @escaping @Sendable (SessionDriver, OperationInterrupt) throws -> T
    ) async throws -> T {
        let driver = self.driver
        return try await Self.perform(on: self.thread, wakeup: driver.wakeup) { interrupt in
            try body(driver, interrupt)
        }
    }

    /// Runs blocking libssh2 work on the session's thread; task cancellation wakes its `poll` so it can stop.
    private static func perform<T: Sendable>(
        on thread: NIOThreadPool,
        wakeup: WakeupPipe,
        _ body: @escaping @Sendable (OperationInterrupt) throws -> T
    ) async throws -> T {
        let interrupt = OperationInterrupt(wakeup: wakeup)
        return try await withTaskCancellationHandler {
            try await thread.runIfActive { try body(interrupt) }
        } onCancel: {
            interrupt.cancel()
        }
    }

    /// Disconnects and frees the session on its thread. Not cancellable: it must happen on every path, and it is
    /// bounded by `SessionDriver.teardownTimeout`.
    private func shutdown() async {
        let driver = self.driver
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // `submit` runs the item even when the pool is shutting down (state `.cancelled`); teardown needs that.
            self.thread.submit { _ in
                driver.shutdown()
                continuation.resume()
            }
        }
    }
}
