import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import FanoutProtocol
import FanoutWorker
import NIOCore
import NIOPosix
import Testing

extension IntegrationSuite {
    /// Connects to the coordinator, sends `bytes`, and waits for the coordinator to close the connection.
    /// - Returns: Whether the coordinator closed it within `seconds`.
    private static func sendRaw(
        _ bytes: [UInt8],
        port: Int,
        halfClose: Bool = false,
        seconds: Int64 = 5
    ) async throws
        -> Bool
    {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true)
                    )
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            if halfClose { outbound.finish() }
            return try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    do {
                        for try await _ in inbound {}
                    } catch {}
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    return false
                }
                let closed = try await group.next() ?? false
                group.cancelAll()
                return closed
            }
        }
    }

    /// Speaks the real protocol but answers the challenge with a made-up proof.
    private static func wrongSecretClient(port: Int, digest: String) async throws -> [WireMessage] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try channel.wrapForWireProtocol(maximumFrameBytes: 1 << 20) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let hello = Hello(
                binaryDigest: digest,
                hostName: "intruder",
                processID: 1,
                slots: 8,
                workerID: "intruder",
                nonce: RunSecret.nonce()
            )
            try await outbound.write(.hello(hello))
            var received: [WireMessage] = []
            var answered = false
            do {
                for try await message in inbound {
                    received.append(message)
                    if case .challenge = message, !answered {
                        answered = true
                        try await outbound.write(.authenticate(Authenticate(proof: RunSecret.random().bytes)))
                    }
                }
            } catch {}
            return received
        }
    }

    @Test("oversized, truncated and garbage frames and a wrong secret each cost only their own connection")
    func hostileConnectionsDoNotHarmTheRun() async throws {
        let digest = try BinaryDigest.ofFile(atPath: try Self.product("fanout-worker"))
        let inputs = Array(repeating: UInt32(20), count: 100)
        // Plain TCP, so these reach the frame decoder and the secret check; with TLS they stop at the TLS layer
        // (TLSTransportTests covers that).
        let (indices, workers, closures, intruderMessages) = try await Cluster.withCluster(
            try Self.options(workers: 2) { $0.transport = .plain }
        ) { cluster in
            var indices: [Int] = []
            var closures: [String: Bool] = [:]
            var intruderMessages: [WireMessage] = []
            for try await result in cluster.map(Sleep.self, inputs) {
                indices.append(result.index)
                guard indices.count == 10 else { continue }
                // Mid-run, while real workers hold tasks.
                var oversized: [UInt8] = [0x7F, 0xFF, 0xFF, 0xFF]
                oversized += Array(repeating: 0xAB, count: 64)
                closures["oversized"] = try await Self.sendRaw(oversized, port: cluster.port)
                closures["truncated"] = try await Self.sendRaw(
                    [0, 0, 0, 100, 1, 0x46, 0x4E],
                    port: cluster.port,
                    halfClose: true
                )
                var generator = SystemRandomNumberGenerator()
                let garbage = (0..<256).map { _ in UInt8.random(in: 0...255, using: &generator) }
                closures["garbage"] = try await Self.sendRaw([0, 0, 0, 250] + garbage, port: cluster.port)
                closures["bad-magic"] = try await Self.sendRaw(
                    [0, 0, 0, 8, 1, 0xDE, 0xAD, 0xBE, 0xEF, 0, 1, 0],
                    port: cluster.port
                )
                intruderMessages = try await Self.wrongSecretClient(port: cluster.port, digest: digest)
            }
            return (indices, cluster.statistics.workers, closures, intruderMessages)
        }
        #expect(Set(indices) == Set(0..<100))
        #expect(indices.count == 100)
        #expect(closures == ["oversized": true, "truncated": true, "garbage": true, "bad-magic": true])
        // The intruder got the coordinator's challenge and nothing else: no welcome, no task.
        #expect(intruderMessages.count == 1)
        if case .challenge = intruderMessages.first {} else { Issue.record("expected only a challenge") }
        #expect(workers.map(\.id).sorted() == ["local-1", "local-2"])
    }

    @Test("a worker with the wrong secret refuses a coordinator it cannot verify, inside a valid TLS channel")
    func workerRejectsCoordinatorWithoutSecret() async throws {
        try await Cluster.withCluster(try Self.options(workers: 1)) { cluster in
            guard case .tls = cluster.channelSecurity else {
                Issue.record("TLS is the default transport, got \(cluster.channelSecurity)")
                return
            }
            let worker = Worker(
                configuration: WorkerConfiguration(
                    coordinatorHost: "127.0.0.1",
                    coordinatorPort: cluster.port,
                    secret: RunSecret.random(),
                    channelSecurity: cluster.channelSecurity,
                    slots: 1,
                    binaryDigest: try BinaryDigest.ofFile(atPath: try Self.product("fanout-worker")),
                    connectTimeoutSeconds: 5
                )
            )
            do {
                _ = try await worker.run()
                Issue.record("the worker should not have joined")
            } catch let error as ProtocolError {
                #expect(error.code == .authenticationFailed)
            }
        }
    }
}

extension IntegrationSuite {
    @Test(
        "a flood of connections that send nothing: past max_pending_connections the oldest are closed at once to make room, the rest at the hello deadline, and the run completes"
    )
    func connectionFloodCostsOnlyItself() async throws {
        let inputs = Array(repeating: UInt32(10), count: 200)
        let options = try Self.options(workers: 2) { configuration in
            configuration.limits.maxPendingConnections = 50
            configuration.limits.handshakeTimeout = 2
        }
        let (indices, workers, closedAtOnce, closedLater, flood) = try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(2)
            var indices: [Int] = []
            var flood: [any Channel] = []
            var closedAtOnce = 0
            var closedLater = 0
            for try await result in cluster.map(Sleep.self, inputs) {
                indices.append(result.index)
                guard indices.count == 20 else { continue }
                // Mid-run: 300 connections that connect and then say nothing (slowloris).
                for _ in 0..<300 {
                    flood.append(
                        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                            .connect(host: "127.0.0.1", port: cluster.port).get()
                    )
                }
                try await Task.sleep(for: .milliseconds(1_000))
                closedAtOnce = flood.filter { !$0.isActive }.count
                try await Task.sleep(for: .milliseconds(3_000))
                closedLater = flood.filter { !$0.isActive }.count
            }
            return (indices, cluster.statistics.workers, closedAtOnce, closedLater, flood.count)
        }
        #expect(flood == 300)
        #expect(Set(indices) == Set(0..<200))
        #expect(indices.count == 200)
        // At most 50 are in their handshake at once: each newcomer closed the oldest, 250 within a second.
        #expect(closedAtOnce >= 250, "\(closedAtOnce) of 300 closed within 1 s")
        // The last 50 had 2 s (handshake_timeout, shorter than the hello deadline) to send a hello; all were dropped.
        #expect(closedLater == 300, "\(closedLater) of 300 closed within 4 s")
        #expect(workers.map(\.id).sorted() == ["local-1", "local-2"])
        #expect(workers.allSatisfy { $0.lostReason == nil })
    }
}
