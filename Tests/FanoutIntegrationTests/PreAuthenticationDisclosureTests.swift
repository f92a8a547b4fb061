import FanoutConfiguration
import FanoutCoordinator
import FanoutProtocol
import NIOCore
import NIOPosix
import Testing

/// What a peer that has not proven the run secret can learn from a real coordinator (audit finding 14): not the
/// expected binary digest, and a malformed hello is refused before any challenge.
extension IntegrationSuite {
    /// Connects to `port`, sends `hello`, answers a challenge with a made-up `authenticate`, and returns every frame
    /// the coordinator sent until it closed the connection (or 5 s passed).
    private static func helloExchange(_ hello: Hello, port: Int) async throws -> [WireMessage] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var frame = ByteBuffer()
            try WireMessageEncoder().encode(data: .hello(hello), out: &frame)
            try await outbound.write(frame)
            return try await withThrowingTaskGroup(of: [WireMessage]?.self) { group in
                group.addTask {
                    var pending = ByteBuffer()
                    var messages: [WireMessage] = []
                    do {
                        for try await var bytes in inbound {
                            pending.writeBuffer(&bytes)
                            while let length = pending.getInteger(at: pending.readerIndex, as: UInt32.self),
                                pending.readableBytes >= 4 + Int(length)
                            {
                                pending.moveReaderIndex(forwardBy: 4)
                                let payload = pending.readSlice(length: Int(length))!
                                // Only the opener is bare; anything later would carry a tag this peer cannot check.
                                let message =
                                    messages.isEmpty
                                    ? try WireMessage.decode(payload)
                                    : .log(LogLine(level: "?", message: "tagged frame"))
                                messages.append(message)
                                if case .challenge = message {
                                    var answer = ByteBuffer()
                                    try WireMessageEncoder().encode(
                                        data: .authenticate(Authenticate(proof: RunSecret.random().bytes)),
                                        out: &answer
                                    )
                                    try await outbound.write(answer)
                                }
                            }
                        }
                    } catch {}
                    return messages
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(5))
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return try #require(first, "the coordinator kept the connection open for 5 s")
            }
        }
    }

    @Test(
        "a peer without the secret never learns the expected binary digest; a malformed hello is refused before the challenge",
        .timeLimit(.minutes(1))
    )
    func unauthenticatedPeerLearnsNothing() async throws {
        let expected = try BinaryDigest.ofFile(atPath: try Self.product("fanout-worker"))
        let options = try Self.options(workers: 1) { $0.transport = .plain }
        try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(1)
            let wrongDigest = Hello(
                binaryDigest: String(repeating: "0f", count: 32),
                hostName: "intruder",
                processID: 1,
                slots: 1,
                workerID: "",
                nonce: RunSecret.nonce()
            )
            // Before: a `binary-mismatch` refusal naming the expected digest came back at once.
            let received = try await Self.helloExchange(wrongDigest, port: cluster.port)
            let text = received.map { "\($0)" }.joined(separator: " ")
            #expect(!text.contains(expected), "\(text)")
            #expect(received.count == 1, "\(text)")
            if case .challenge = received.first {} else { Issue.record("expected only a challenge, got \(text)") }

            var hostile = wrongDigest
            hostile.hostName = "node-1\n2026-12-04T00:00:00Z error : forged line"
            let refused = try await Self.helloExchange(hostile, port: cluster.port)
            guard case .refused(let refusal) = refused.first, refused.count == 1 else {
                Issue.record("expected one refusal, got \(refused)")
                return
            }
            #expect(refusal.code == "malformed")
            #expect(!refusal.message.contains("forged"), "\(refusal.message)")
        }
    }
}
