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
        /// Connections allowed in their handshake at once (`limits.max_pending_connections`).
        var maxPendingConnections = 256
        /// The run's TLS server context (`transport: tls`), or `nil` for plain TCP.
        var tlsContext: NIOSSLContext?
    }

    let serverChannel: NIOAsyncChannel<NIOAsyncChannel<WireMessage, WireMessage>, Never>
    let settings: Settings
    let scheduler: Scheduler
    let logger: Logger
    private let usedIDs = NIOLockedValueBox<Set<String>>([])
    private let anonymousCounter = NIOLockedValueBox(0)
    /// Connections in their handshake now, and connections refused since the limit was last not reached.
    private let pending = NIOLockedValueBox(0)
    private let refusedInBurst = NIOLockedValueBox(0)

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
        let channel: NIOAsyncChannel<NIOAsyncChannel<WireMessage, WireMessage>, Never>
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .bind(host: host, port: port) { child in
                    child.eventLoop.makeCompletedFuture {
                        // TLS goes first, under the frames; the handshake deadline in `serve` covers it too, so a
                        // peer that stalls or speaks plain TCP costs only its own connection.
                        if let tlsContext {
                            try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
                        }
                        return try child.wrapForWireProtocol(maximumFrameBytes: maximumFrameBytes)
                    }
                }
        } catch {
            throw ClusterError(.listenFailed, "cannot listen on \(host):\(port) (coordinator.listen): \(error)")
        }
        return WorkerListener(serverChannel: channel, settings: settings, scheduler: scheduler, logger: logger)
    }

    /// The bound port.
    var port: Int { self.serverChannel.channel.localAddress?.port ?? 0 }

    /// Accepts connections until cancelled.
    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await self.serverChannel.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask {
                        await self.serve(connection)
                    }
                }
            }
        }
    }

    /// One connection from hello to close. Never throws: errors end this connection only.
    private func serve(_ connection: NIOAsyncChannel<WireMessage, WireMessage>) async {
        let peer = connection.channel.remoteAddress.map { "\($0)" } ?? "unknown peer"
        let settings = self.settings
        let admitted = self.pending.withLockedValue { pending in
            guard pending < settings.maxPendingConnections else { return false }
            pending += 1
            return true
        }
        guard admitted else {
            // A flood: refuse at once, and log the first refusal of each burst only.
            let first = self.refusedInBurst.withLockedValue { count in
                count += 1
                return count == 1
            }
            if first {
                let limit = settings.maxPendingConnections
                self.logger.warning(
                    "refusing connections from \(peer) and others: \(limit) are already in their handshake (limits.max_pending_connections)"
                )
            }
            try? await connection.channel.close()
            return
        }
        var stillPending = true
        func handshakeOver() {
            guard stillPending else { return }
            stillPending = false
            self.pending.withLockedValue { $0 -= 1 }
            self.refusedInBurst.withLockedValue { $0 = 0 }
        }
        defer { handshakeOver() }
        let deadline = connection.channel.eventLoop.scheduleTask(
            in: .nanoseconds(settings.handshakeTimeout.nanoseconds)
        ) {
            connection.channel.close(promise: nil)
        }
        var handle: WorkerHandle?
        do {
            try await connection.executeThenClose { inbound, outbound in
                var messages = inbound.makeAsyncIterator()
                let accepted = try await Handshake.acceptWorker(
                    secret: settings.secret,
                    expectedDigests: settings.expectedDigests,
                    welcome: { hello in
                        Welcome(
                            workerID: self.assignID(hello),
                            heartbeatIntervalMilliseconds: UInt32(settings.heartbeatInterval.milliseconds),
                            heartbeatTimeoutMilliseconds: UInt32(settings.heartbeatTimeout.milliseconds),
                            taskTimeoutMilliseconds: settings.taskTimeout.map {
                                UInt32(clamping: max(1, $0.milliseconds))
                            } ?? 0
                        )
                    },
                    receive: { try await messages.next() },
                    send: { try await outbound.write($0) }
                )
                deadline.cancel()
                handshakeOver()
                let (outgoing, outbox) = AsyncStream.makeStream(of: WireMessage.self)
                let worker = WorkerHandle(
                    id: accepted.welcome.workerID,
                    host: accepted.hello.hostName,
                    slots: max(1, accepted.hello.slots),
                    processID: accepted.hello.processID,
                    outbox: outbox,
                    channel: connection.channel
                )
                handle = worker
                self.scheduler.post(.joined(worker))
                try await self.pump(
                    worker: worker,
                    messages: &messages,
                    outbound: outbound,
                    outgoing: outgoing,
                    close: { connection.channel.close(promise: nil) }
                )
            }
        } catch {
            if let handle {
                // A worker that dies closes TCP without TLS's close_notify; for us that is just a closed connection.
                // A reset (the dead worker left unread bytes behind) is the same.
                let closed =
                    (error as? NIOSSLError) == .uncleanShutdown
                    || [ECONNRESET, EPIPE].contains((error as? IOError)?.errnoCode ?? 0)
                self.scheduler.post(.lost(workerID: handle.id, reason: closed ? "connection closed" : "\(error)"))
            } else {
                self.logger.warning("dropped connection from \(peer): \(error)")
            }
            return
        }
        if let handle {
            self.scheduler.post(.lost(workerID: handle.id, reason: "connection closed"))
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
            let tick = TimeAmount.nanoseconds(min(settings.heartbeatInterval, .milliseconds(50)).nanoseconds)
            let limit = TimeAmount.nanoseconds(settings.heartbeatTimeout.nanoseconds)
            let interval = TimeAmount.nanoseconds(settings.heartbeatInterval.nanoseconds)
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
                    self.logger.log(
                        level: Logger.Level(rawValue: line.level) ?? .info,
                        "[\(worker.id)@\(worker.host)] \(line.message)"
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

    private func assignID(_ hello: Hello) -> String {
        self.usedIDs.withLockedValue { used in
            var id = hello.workerID
            if id.isEmpty || used.contains(id) {
                let number = self.anonymousCounter.withLockedValue { counter in
                    counter += 1
                    return counter
                }
                id = "worker-\(number)"
            }
            used.insert(id)
            return id
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let parts = self.components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }

    var milliseconds: Int64 { self.nanoseconds / 1_000_000 }
}
