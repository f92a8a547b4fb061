import FanoutProtocol
import NIOCore
import NIOEmbedded
import Testing

/// The codec of a real connection (``WireSession``): the handshake frame limit, and per-frame authentication with
/// implicit sequence numbers, each attacked the way an on-path machine or an unauthenticated peer would.
@Suite("Wire session")
struct WireSessionTests {
    static let secret = RunSecret(bytes: Array(0..<32))

    /// A codec channel of one side: the real decoder and encoder sharing one session.
    static func endpoint(
        _ role: WireSession.Role,
        secret: RunSecret = secret,
        authenticatesFrames: Bool = true,
        maximumFrameBytes: Int = 1 << 20
    ) throws -> EmbeddedChannel {
        let session = WireSession(
            role: role,
            secret: secret,
            authenticatesFrames: authenticatesFrames,
            maximumFrameBytes: maximumFrameBytes
        )
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(WireMessageDecoder(session: session), maximumBufferSize: maximumFrameBytes + 20)
        )
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(WireMessageEncoder(session: session)))
        return channel
    }

    /// `message` written on `channel`, as the bytes it put on the wire.
    static func send(_ message: WireMessage, on channel: EmbeddedChannel) throws -> ByteBuffer {
        try channel.writeOutbound(message)
        return try #require(try channel.readOutbound(as: ByteBuffer.self))
    }

    /// Feeds `bytes` to `channel` and returns what it decoded, or throws the decoder's error.
    static func deliver(_ bytes: ByteBuffer, to channel: EmbeddedChannel) throws -> [WireMessage] {
        try channel.writeInbound(bytes)
        var messages: [WireMessage] = []
        while let message = try channel.readInbound(as: WireMessage.self) {
            messages.append(message)
        }
        return messages
    }

    static func protocolError(_ body: () throws -> Void) -> ProtocolError? {
        do {
            try body()
            return nil
        } catch {
            return error as? ProtocolError
        }
    }

    /// A coordinator and a worker codec after a real handshake (with the proofs computed as the handshake does),
    /// and the hello the worker sent.
    static func handshake(
        authenticatesFrames: Bool = true,
        editHello: (inout ByteBuffer) -> Void = { _ in }
    ) throws -> (coordinator: EmbeddedChannel, worker: EmbeddedChannel, welcomeFrame: ByteBuffer) {
        let coordinator = try Self.endpoint(.coordinator, authenticatesFrames: authenticatesFrames)
        let worker = try Self.endpoint(.worker, authenticatesFrames: authenticatesFrames)
        let hello = Hello(
            binaryDigest: String(repeating: "ab", count: 32),
            hostName: "node-1",
            processID: 7,
            slots: 2,
            workerID: "local-1",
            nonce: RunSecret.nonce()
        )
        var helloFrame = try Self.send(.hello(hello), on: worker)
        editHello(&helloFrame)
        _ = try Self.deliver(helloFrame, to: coordinator)
        let nonce = RunSecret.nonce()
        let challenge = Challenge(
            nonce: nonce,
            proof: Self.secret.proof(for: .coordinator, answering: hello.nonce, with: nonce)
        )
        #expect(try Self.deliver(try Self.send(.challenge(challenge), on: coordinator), to: worker).count == 1)
        let proof = Self.secret.proof(for: .worker, answering: nonce, with: hello.nonce)
        let authenticateFrame = try Self.send(.authenticate(Authenticate(proof: proof)), on: worker)
        _ = try Self.deliver(authenticateFrame, to: coordinator)
        let welcome = Welcome(workerID: "local-1", heartbeatIntervalMilliseconds: 1, heartbeatTimeoutMilliseconds: 2)
        let welcomeFrame = try Self.send(.welcome(welcome), on: coordinator)
        #expect(try Self.deliver(welcomeFrame, to: worker) == [.welcome(welcome)])
        return (coordinator, worker, welcomeFrame)
    }

    static let task = WireMessage.taskBatch(
        TaskBatch(job: "exec", tasks: [TaskAssignment(taskID: 1, input: Array("touch /tmp/x".utf8))])
    )

    // MARK: Authenticated frames

    @Test func framesAfterTheOpenersCarryATagAndRoundTrip() throws {
        let (coordinator, worker, welcomeFrame) = try Self.handshake()
        var bare = ByteBuffer()
        try WireMessageEncoder().encode(data: Self.task, out: &bare)
        let frame = try Self.send(Self.task, on: coordinator)
        #expect(frame.readableBytes == bare.readableBytes + 16)
        #expect(frame.getInteger(at: 0, as: UInt32.self) == UInt32(bare.readableBytes - 4 + 16))
        #expect(try Self.deliver(frame, to: worker) == [Self.task])
        let results = WireMessage.resultBatch(
            ResultBatch(results: [TaskCompletion(taskID: 1, outcome: .success([1]), busyNanoseconds: 5)])
        )
        #expect(try Self.deliver(try Self.send(results, on: worker), to: coordinator) == [results])
        _ = welcomeFrame
    }

    @Test func anInjectedBareFrameIsRefused() throws {
        let (_, worker, _) = try Self.handshake()
        var injected = ByteBuffer()
        try WireMessageEncoder().encode(data: Self.task, out: &injected)
        #expect(Self.protocolError { _ = try Self.deliver(injected, to: worker) }?.code == .authenticationFailed)
    }

    @Test func anInjectedFrameWithAForgedTagIsRefused() throws {
        let (_, worker, _) = try Self.handshake()
        var injected = ByteBuffer()
        try WireMessageEncoder().encode(data: Self.task, out: &injected)
        injected.writeBytes(RunSecret.nonce().prefix(16))
        injected.setInteger(UInt32(injected.readableBytes - 4), at: 0)
        let error = Self.protocolError { _ = try Self.deliver(injected, to: worker) }
        #expect(error?.code == .authenticationFailed)
        #expect(
            error?.message.contains("forged, edited, replayed or reordered") == true,
            "\(String(describing: error))"
        )
    }

    @Test(arguments: [4, 10, -1])
    func anEditedByteIsRefused(_ offset: Int) throws {
        let (coordinator, worker, _) = try Self.handshake()
        var frame = try Self.send(Self.task, on: coordinator)
        let index = offset >= 0 ? offset : frame.readableBytes - 1
        frame.setInteger(frame.getInteger(at: index, as: UInt8.self)! ^ 0x20, at: index)
        #expect(Self.protocolError { _ = try Self.deliver(frame, to: worker) }?.code == .authenticationFailed)
    }

    @Test func aReplayedFrameIsRefused() throws {
        let (coordinator, worker, _) = try Self.handshake()
        let frame = try Self.send(Self.task, on: coordinator)
        #expect(try Self.deliver(frame, to: worker) == [Self.task])
        #expect(Self.protocolError { _ = try Self.deliver(frame, to: worker) }?.code == .authenticationFailed)
    }

    @Test func aReplayedWelcomeIsRefused() throws {
        let (_, worker, welcomeFrame) = try Self.handshake()
        #expect(Self.protocolError { _ = try Self.deliver(welcomeFrame, to: worker) }?.code == .authenticationFailed)
    }

    @Test func aDroppedFrameIsNoticedOnTheNext() throws {
        let (coordinator, worker, _) = try Self.handshake()
        _ = try Self.send(.heartbeat(Heartbeat(tasksInFlight: 0)), on: coordinator)  // dropped on the way
        let next = try Self.send(Self.task, on: coordinator)
        #expect(Self.protocolError { _ = try Self.deliver(next, to: worker) }?.code == .authenticationFailed)
    }

    @Test func reorderedFramesAreRefused() throws {
        let (coordinator, worker, _) = try Self.handshake()
        let first = try Self.send(.heartbeat(Heartbeat(tasksInFlight: 0)), on: coordinator)
        let second = try Self.send(Self.task, on: coordinator)
        _ = first
        #expect(Self.protocolError { _ = try Self.deliver(second, to: worker) }?.code == .authenticationFailed)
    }

    @Test func aFrameReflectedBackToItsSenderIsRefused() throws {
        let (coordinator, _, _) = try Self.handshake()
        // The coordinator's own first frame after welcome, sent back to it: the other direction's key.
        let frame = try Self.send(Self.task, on: coordinator)
        #expect(Self.protocolError { _ = try Self.deliver(frame, to: coordinator) }?.code == .authenticationFailed)
    }

    @Test func anEditedHelloMakesTheWorkersAuthenticateFail() throws {
        // An on-path machine raises the slots in the hello (bytes 4 + tag 1 + magic 4 + version 2 + digest 68 +
        // host 10 + pid 4 = offset 93 holds the slot count): the proofs cover only the nonces, but the frame keys
        // cover the whole hello, so the worker's authenticate no longer verifies at the coordinator.
        #expect(
            Self.protocolError {
                _ = try Self.handshake { frame in frame.setInteger(UInt32.max, at: 93) }
            }?.code == .authenticationFailed
        )
    }

    @Test func withoutAuthenticationFramesTravelBare() throws {
        let (coordinator, worker, _) = try Self.handshake(authenticatesFrames: false)
        var bare = ByteBuffer()
        try WireMessageEncoder().encode(data: Self.task, out: &bare)
        let frame = try Self.send(Self.task, on: coordinator)
        #expect(frame == bare)
        #expect(try Self.deliver(frame, to: worker) == [Self.task])
    }

    // MARK: The handshake frame limit

    @Test(arguments: [true, false])
    func aSixteenMebibyteFrameBeforeAuthenticationIsRefusedAtOnce(_ authenticatesFrames: Bool) throws {
        let coordinator = try Self.endpoint(
            .coordinator,
            authenticatesFrames: authenticatesFrames,
            maximumFrameBytes: 16 * 1024 * 1024
        )
        // Only the 4-byte length: nothing of the payload need arrive for the frame to be refused.
        let error = Self.protocolError {
            _ = try Self.deliver(ByteBuffer(bytes: [0x01, 0x00, 0x00, 0x00]), to: coordinator)
        }
        #expect(error?.code == .frameTooLarge)
        #expect(error?.message.contains("before authentication") == true, "\(String(describing: error))")
        #expect(error?.message.contains("\(ProtocolConstants.handshakeFrameLimit)") == true)
    }

    @Test func aFrameJustAboveTheHandshakeLimitIsRefusedAndOneAtItIsAccepted() throws {
        let limit = ProtocolConstants.handshakeFrameLimit
        let refused = try Self.endpoint(.coordinator)
        var length = ByteBuffer()
        length.writeInteger(UInt32(limit + 1))
        #expect(Self.protocolError { _ = try Self.deliver(length, to: refused) }?.code == .frameTooLarge)
        let accepted = try Self.endpoint(.coordinator)
        length.clear()
        length.writeInteger(UInt32(limit))
        #expect(try Self.deliver(length, to: accepted).isEmpty)
    }

    @Test(arguments: [true, false])
    func theLimitLiftsOnlyAfterAValidProof(_ authenticatesFrames: Bool) throws {
        let (coordinator, worker, _) = try Self.handshake(authenticatesFrames: authenticatesFrames)
        let big = WireMessage.resultBatch(
            ResultBatch(results: [
                TaskCompletion(taskID: 1, outcome: .success(Array(repeating: 7, count: 100_000)), busyNanoseconds: 1)
            ])
        )
        #expect(try Self.deliver(try Self.send(big, on: worker), to: coordinator) == [big])
        #expect(try Self.deliver(try Self.send(big, on: coordinator), to: worker) == [big])
    }

    @Test func aWrongProofKeepsTheHandshakeLimitInsideTLS() throws {
        // Inside TLS there are no tags, so the codec checks the authenticate's proof itself before it lifts the
        // limit: a peer with a made-up proof is still held to a few KiB while the handshake refuses it.
        let coordinator = try Self.endpoint(.coordinator, authenticatesFrames: false)
        let worker = try Self.endpoint(.worker, authenticatesFrames: false)
        let hello = Hello(
            binaryDigest: "ab",
            hostName: "intruder",
            processID: 1,
            slots: 1,
            workerID: "",
            nonce: RunSecret.nonce()
        )
        _ = try Self.deliver(try Self.send(.hello(hello), on: worker), to: coordinator)
        let nonce = RunSecret.nonce()
        let proof = Self.secret.proof(for: .coordinator, answering: hello.nonce, with: nonce)
        _ = try Self.deliver(
            try Self.send(.challenge(Challenge(nonce: nonce, proof: proof)), on: coordinator),
            to: worker
        )
        let wrong = Authenticate(proof: RunSecret.random().bytes)
        #expect(try Self.deliver(try Self.send(.authenticate(wrong), on: worker), to: coordinator).count == 1)
        var length = ByteBuffer()
        length.writeInteger(UInt32(1 << 20))
        #expect(Self.protocolError { _ = try Self.deliver(length, to: coordinator) }?.code == .frameTooLarge)
    }

    @Test func aTaggedFrameBeforeTheChallengeIsRefused() throws {
        // A peer that skips ahead (a second frame before the coordinator has sent its challenge) has no keys to
        // match: refused, not buffered.
        let coordinator = try Self.endpoint(.coordinator)
        let worker = try Self.endpoint(.worker)
        let hello = Hello(
            binaryDigest: "ab",
            hostName: "h",
            processID: 1,
            slots: 1,
            workerID: "",
            nonce: RunSecret.nonce()
        )
        var bytes = try Self.send(.hello(hello), on: worker)
        var second = ByteBuffer()
        try WireMessageEncoder().encode(data: .heartbeat(Heartbeat(tasksInFlight: 0)), out: &second)
        second.writeBytes(Array(repeating: 0, count: 16))
        second.setInteger(UInt32(second.readableBytes - 4), at: 0)
        bytes.writeBuffer(&second)
        #expect(Self.protocolError { _ = try Self.deliver(bytes, to: coordinator) }?.code == .unexpectedMessage)
    }
}
