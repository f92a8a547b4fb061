import FanoutProtocol
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Accepts worker connections, runs the handshake on each, and hands authenticated workers to the scheduler.
///
/// Each connection lives in its own child task of a discarding task group and catches its own errors, so a peer
/// that sends garbage, an oversized frame or the wrong secret costs only its own connection.
struct WorkerListener: Sendable {
    /// What every connection needs to know.
    struct Settings: Sendable {
        var secret: RunSecret
        /// Worker binary digests accepted (local and remote binaries may differ); empty accepts any.
        var expectedDigests: Set<String>
        var maximumFrameBytes: Int
        var handshakeTimeout: Duration
        var heartbeatInterval: Duration
        var heartbeatTimeout: Duration
        /// A task running longer fails and its worker exits; `nil` for no limit (`scheduling.task_timeout`).
        var taskTimeout: Duration? = nil
        /// Connections allowed in their handshake at once (`limits.max_pending_connections`); when a new one
        /// arrives and all are taken, the one that made the least progress is closed (see ``PendingConnections``).
        var maxPendingConnections = 256
        /// How long a new connection has to deliver its hello (TLS handshake included), a much shorter wait than
        /// the whole handshake's: idle and trickling connections leave the pending table quickly.
        var helloTimeout: Duration = .seconds(3)
        /// The workers launched, and what each was granted: a hello can name only one of these, and lower its
        /// slots but never raise them.
        var admissions = WorkerAdmissions()
        /// Log lines a worker may send in a burst, and per second after that; more are dropped and counted.
        var logBurst = 200
        var logLinesPerSecond = 50
        /// The run's TLS server context (`transport: tls`), or `nil` for plain TCP.
        var tlsContext: NIOSSLContext?
    }

    let serverChannel: any Channel
    /// Connections accepted and not yet served (see ``AcceptedConnections`` for why not the async bootstrap).
    private let accepted: AcceptedConnections
    let settings: Settings
    let scheduler: Scheduler
    let logger: Logger
    /// Connections in their handshake now, and connections evicted since the table was last not full.
    private let pending: NIOLockedValueBox<PendingConnections<any Channel>>
    private let evictedInBurst = NIOLockedValueBox(0)
    /// Connections dropped after their hello are logged at most this often.
    private let dropLog = NIOLockedValueBox(LogRateLimit(burst: 20, perSecond: 2))

    /// The size of the receive buffer of a connection until its handshake is done: with the small pre-handshake
    /// frame limit, what all unauthenticated peers can make the coordinator hold is this plus one frame each,
    /// times `limits.max_pending_connections`. An authenticated worker gets the adaptive allocator (up to 64 KiB).
    static let handshakeReceiveBufferBytes = 4096
    /// The longest worker log line kept, in characters.
    static let logLineCharacters = 1024

    private init(
        serverChannel: any Channel,
        accepted: AcceptedConnections,
        settings: Settings,
        scheduler: Scheduler,
        logger: Logger
    ) {
        self.serverChannel = serverChannel
        self.accepted = accepted
        self.settings = settings
        self.scheduler = scheduler
        self.logger = logger
        self.pending = NIOLockedValueBox(PendingConnections(limit: settings.maxPendingConnections))
    }

    /// The registry launchers report their workers to (see ``LaunchContext/admissions``).
    var admissions: WorkerAdmissions { self.settings.admissions }

    /// Binds the listening socket.
    /// - Returns: The listener; its ``port`` is the bound port (useful with port 0).
    static func bind(
        host: String,
        port: Int,
        settings: Settings,
        scheduler: Scheduler,
        logger: Logger,
        group: any EventLoopGroup
    ) async throws -> WorkerListener {
        let maximumFrameBytes = settings.maximumFrameBytes
        let tlsContext = settings.tlsContext
        let secret = settings.secret
        let accepted = AcceptedConnections(limit: settings.maxPendingConnections)
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // A deep accept queue: under a flood the run's own workers must get in to be admitted at all.
                .serverChannelOption(.backlog, value: 4096)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(
                    .recvAllocator,
                    value: FixedSizeRecvByteBufferAllocator(capacity: Self.handshakeReceiveBufferBytes)
                )
                .childChannelInitializer { child in
                    child.eventLoop.makeCompletedFuture {
                        let taken = try accepted.offer {
                            // TLS goes first, under the frames; the handshake deadline in `serve` covers it too, so a
                            // peer that stalls or speaks plain TCP costs only its own connection.
                            if let tlsContext {
                                try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
                            }
                            // Frames limited to a few KiB until the worker proves the secret; without TLS, every
                            // frame after the openers is authenticated (ssh-tunnel arrives here as plain TCP on
                            // loopback).
                            return try child.wrapForWireProtocol(
                                role: .coordinator,
                                secret: secret,
                                authenticatesFrames: tlsContext == nil,
                                maximumFrameBytes: maximumFrameBytes
                            )
                        }
                        // The listener stopped, or it is far behind: this one is not wrapped, so closing is enough.
                        if !taken { child.close(promise: nil) }
                    }
                }
                .bind(host: host, port: port).get()
        } catch {
            throw ClusterError(.listenFailed, "cannot listen on \(host):\(port) (coordinator.listen): \(error)")
        }
        return WorkerListener(
            serverChannel: channel,
            accepted: accepted,
            settings: settings,
            scheduler: scheduler,
            logger: logger
        )
    }

    /// The bound port.
    var port: Int { self.serverChannel.localAddress?.port ?? 0 }

    /// Accepts connections until cancelled; then stops listening and closes every connection accepted but not
    /// yet served.
    func run() async throws {
        await withDiscardingTaskGroup { group in
            while let connection = await self.accepted.next() {
                group.addTask {
                    await self.serve(connection)
                }
            }
            try? await self.serverChannel.close()
            for connection in self.accepted.drain() {
                try? await connection.executeThenClose { _, _ in }
            }
        }
    }

    /// One connection from hello to close. Never throws: errors end this connection only.
    private func serve(_ connection: NIOAsyncChannel<WireMessage, WireMessage>) async {
        let peer = connection.channel.remoteAddress.map { "\($0)" } ?? "unknown peer"
        let settings = self.settings
        let key = self.admit(connection.channel, peer: peer)
        var stillPending = true
        func handshakeOver() {
            guard stillPending else { return }
            stillPending = false
            let wasFull = self.pending.withLockedValue { pending in
                let full = pending.count >= pending.limit
                pending.leave(key)
                return full
            }
            if !wasFull { self.evictedInBurst.withLockedValue { $0 = 0 } }
        }
        defer { handshakeOver() }
        let deadline = connection.channel.eventLoop.scheduleTask(
            in: .nanoseconds(settings.handshakeTimeout.saturatingNanoseconds)
        ) {
            Self.closeAbruptly(connection.channel)
        }
        let helloDeadline = connection.channel.eventLoop.scheduleTask(
            in: .nanoseconds(min(settings.helloTimeout, settings.handshakeTimeout).saturatingNanoseconds)
        ) {
            Self.closeAbruptly(connection.channel)
        }
        var handle: WorkerHandle?
        var greetedAtAll = false
        do {
            try await connection.executeThenClose { inbound, outbound in
                var messages = inbound.makeAsyncIterator()
                var greeted = false
                var authenticated = false
                defer {
                    greetedAtAll = greeted
                    if !authenticated { Self.closeAbruptly(connection.channel) }
                }
                var admission: (hostLabel: String, slots: Int)?
                let accepted = try await Handshake.acceptWorker(
                    secret: settings.secret,
                    expectedDigests: settings.expectedDigests,
                    welcome: { hello throws(ProtocolError) in
                        let decision = try self.decideAdmission(hello)
                        admission = (decision.hostLabel, decision.slots)
                        return Welcome(
                            workerID: decision.workerID,
                            heartbeatIntervalMilliseconds: UInt32(
                                clamping: settings.heartbeatInterval.saturatingMilliseconds
                            ),
                            heartbeatTimeoutMilliseconds: UInt32(
                                clamping: settings.heartbeatTimeout.saturatingMilliseconds
                            ),
                            taskTimeoutMilliseconds: settings.taskTimeout.map {
                                UInt32(clamping: max(1, $0.saturatingMilliseconds))
                            } ?? 0
                        )
                    },
                    receive: {
                        let message = try await messages.next()
                        if !greeted {
                            greeted = true
                            self.greeted(key, helloDeadline: helloDeadline)
                        }
                        return message
                    },
                    send: { try await outbound.write($0) }
                )
                authenticated = true
                deadline.cancel()
                handshakeOver()
                guard let admission else {
                    throw ProtocolError(.unexpectedMessage, "handshake ended without an admission")
                }
                // Authenticated: reads may now fill the adaptive buffer a busy worker's results need.
                try await connection.channel.setOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator()).get()
                let (outgoing, outbox) = AsyncStream.makeStream(of: WireMessage.self)
                let worker = WorkerHandle(
                    id: accepted.welcome.workerID,
                    host: admission.hostLabel,
                    slots: admission.slots,
                    processID: accepted.hello.processID,
                    outbox: outbox,
                    channel: connection.channel
                )
                handle = worker
                if accepted.hello.hostName != admission.hostLabel {
                    let claimed = UntrustedText.forTerminal(accepted.hello.hostName, limit: 256)
                    self.logger.debug("worker \(worker.id) on \(worker.host) calls its host '\(claimed)'")
                }
                self.scheduler.join(worker)
                try await self.pump(
                    worker: worker,
                    messages: &messages,
                    outbound: outbound,
                    outgoing: outgoing,
                    close: { connection.channel.close(promise: nil) }
                )
            }
        } catch {
            helloDeadline.cancel()
            deadline.cancel()
            let description = UntrustedText.forTerminal("\(error)")
            if let handle {
                // A worker that dies closes TCP without TLS's close_notify; for us that is just a closed connection.
                // A reset (the dead worker left unread bytes behind) is the same.
                let closed =
                    (error as? NIOSSLError) == .uncleanShutdown
                    || [ECONNRESET, EPIPE].contains((error as? IOError)?.errnoCode ?? 0)
                self.scheduler.post(.lost(workerID: handle.id, reason: closed ? "connection closed" : description))
            } else if greetedAtAll {
                // Anyone can send a hello: a flood of them must not flood the log too.
                if let suppressed = self.dropLog.withLockedValue({ $0.admit(now: .now) }) {
                    let more = suppressed > 0 ? " (\(suppressed) similar messages suppressed)" : ""
                    self.logger.warning("dropped connection from \(peer): \(description)\(more)")
                }
            } else {
                self.logger.debug("dropped connection from \(peer) before its hello: \(description)")
            }
            return
        }
        if let handle {
            self.scheduler.post(.lost(workerID: handle.id, reason: "connection closed"))
        }
    }

    /// Enters a new connection in the pending table, closing the one that gives way if the table is full.
    /// - Returns: The connection's key in the table.
    private func admit(_ channel: any Channel, peer: String) -> UInt64 {
        let (key, evicted) = self.pending.withLockedValue { $0.arrive(channel) }
        guard let evicted else { return key }
        Self.closeAbruptly(evicted)
        // A flood: log the first eviction of each burst only.
        let first = self.evictedInBurst.withLockedValue { count in
            count += 1
            return count == 1
        }
        if first {
            let limit = self.settings.maxPendingConnections
            self.logger.warning(
                """
                \(limit) connections are in their handshake (limits.max_pending_connections): closing the ones \
                that made the least progress to let new ones in (the newest from \(peer))
                """
            )
        }
        return key
    }

    /// The connection's hello arrived: it no longer gives way before connections that sent nothing.
    private func greeted(_ key: UInt64, helloDeadline: Scheduled<Void>) {
        helloDeadline.cancel()
        self.pending.withLockedValue { $0.record(key, progress: .greeted) }
    }

    /// Checks an authenticated hello against what the coordinator launched.
    /// - Returns: The worker's id, the host label it is shown under and its slots.
    /// - Throws: ``ProtocolError`` with code `refused` for an id that was not launched or is already connected.
    private func decideAdmission(
        _ hello: Hello
    ) throws(ProtocolError) -> (workerID: String, hostLabel: String, slots: Int) {
        switch self.settings.admissions.admit(claimedID: hello.workerID, claimedSlots: hello.slots) {
        case .admit(let workerID, let hostLabel, let slots):
            if hello.slots > slots {
                self.logger.warning(
                    "worker \(workerID) on \(hostLabel) claims \(hello.slots) slots; it was granted \(slots)"
                )
            }
            return (workerID, hostLabel, slots)
        case .refuse(let reason):
            self.logger.warning("refused an authenticated worker: \(reason)")
            throw ProtocolError(.refused, reason)
        }
    }

    /// Moves messages both ways until the connection ends, with heartbeats and a silence watchdog.
    private func pump(
        worker: WorkerHandle,
        messages: inout NIOAsyncChannelInboundStream<WireMessage>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<WireMessage>,
        outgoing: AsyncStream<WireMessage>,
        close: @escaping @Sendable () -> Void
    ) async throws {
        // Measured on the event loop, counting only time this side was ready to read: a busy coordinator must not
        // take its own backlog of unread frames for a silent worker.
        let activity = try await worker.channel.pipeline.handler(type: InboundActivityHandler.self).get()
        let silent = NIOLockedValueBox(false)
        let settings = self.settings
        let silence = ProtocolError(
            .timedOut,
            "no message for \(settings.heartbeatTimeout) (scheduling.heartbeat_timeout): worker or network gone"
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in outgoing {
                    try await outbound.write(message)
                }
            }
            // The watchdog and the heartbeats run on the connection's event loop, not in a task: a coordinator whose
            // tasks are all busy must neither miss a silent worker nor starve a healthy one of heartbeats. It looks
            // every 50 ms, far more often than heartbeats are sent, so that a silent worker is declared dead within
            // heartbeat_timeout of its last message, not up to a whole interval later.
            let channel = worker.channel
            let tick = TimeAmount.nanoseconds(min(settings.heartbeatInterval, .milliseconds(50)).saturatingNanoseconds)
            let limit = TimeAmount.nanoseconds(settings.heartbeatTimeout.saturatingNanoseconds)
            let interval = TimeAmount.nanoseconds(settings.heartbeatInterval.saturatingNanoseconds)
            let lastSent = NIOLockedValueBox(NIODeadline.now())
            let scheduler = self.scheduler
            let workerID = worker.id
            let reason = silence.message
            let watchdog = channel.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { task in
                let now = NIODeadline.now()
                // One tick early at most, so that a silent worker is declared dead within heartbeat_timeout.
                if activity.silence(now: now) + tick > limit {
                    silent.withLockedValue { $0 = true }
                    task.cancel()
                    // Declared dead now: closing may take a while more (TLS waits for a close_notify that a cut-off
                    // peer never sends), and its tasks must not wait for that.
                    scheduler.post(.lost(workerID: workerID, reason: reason))
                    close()
                    return
                }
                if now - lastSent.withLockedValue({ $0 }) >= interval {
                    lastSent.withLockedValue { $0 = now }
                    channel.writeAndFlush(WireMessage.heartbeat(Heartbeat(tasksInFlight: 0)), promise: nil)
                }
            }
            defer { watchdog.cancel() }
            defer { group.cancelAll() }
            var workerLog = LogRateLimit(burst: settings.logBurst, perSecond: settings.logLinesPerSecond)
            // When the watchdog closed the connection, `next` says so rather than "connection closed".
            while let message = try await Self.next(&messages, silent: silent, silence: silence) {
                switch message {
                case .resultBatch(let batch):
                    self.scheduler.post(.completed(workerID: worker.id, results: batch.results))
                case .heartbeat:
                    continue
                case .drain:
                    // The worker is leaving (a task ran past task_timeout): hand it nothing more.
                    self.scheduler.post(.leaving(workerID: worker.id))
                case .log(let line):
                    // A compromised host writes what it likes here: one escaped, bounded line each, at a bounded
                    // rate, never above warning.
                    guard let suppressed = workerLog.admit(now: .now) else { continue }
                    let level = min(Logger.Level(rawValue: line.level) ?? .info, .warning)
                    let more = suppressed > 0 ? " (\(suppressed) earlier lines dropped: too many)" : ""
                    self.logger.log(
                        level: level,
                        "[\(worker.id)@\(worker.host)] \(UntrustedText.forTerminal(line.message, limit: Self.logLineCharacters))\(more)"
                    )
                default:
                    throw ProtocolError(.unexpectedMessage, "worker sent an unexpected \(message.kind) message")
                }
            }
        }
    }

    private static func next(
        _ messages: inout NIOAsyncChannelInboundStream<WireMessage>.AsyncIterator,
        silent: NIOLockedValueBox<Bool>,
        silence: ProtocolError
    ) async throws -> WireMessage? {
        do {
            guard let message = try await messages.next() else {
                if silent.withLockedValue({ $0 }) { throw silence }
                return nil
            }
            return message
        } catch {
            if silent.withLockedValue({ $0 }) { throw silence }
            throw error
        }
    }
}
