import FanoutProtocol
import NIOCore
import NIOEmbedded
import Testing

/// Round trips, pinned bytes and hostile payloads for `WireMessage`'s payload coding and the frame codec.
@Suite("Wire codec")
struct WireCodecTests {
    /// One sample of every `WireMessage` case, with non-trivial field values so that a swapped or dropped field
    /// shows up as a round-trip mismatch.
    static let samples: [WireMessage] = [
        .hello(
            Hello(
                binaryDigest: String(repeating: "ab", count: 32),
                hostName: "node-7.example",
                processID: -42,
                slots: 48,
                workerID: "worker-3",
                nonce: Array(0..<32)
            )
        ),
        .challenge(Challenge(nonce: Array(repeating: 0xEE, count: 32), proof: Array(100..<132))),
        .authenticate(Authenticate(proof: Array(200..<232))),
        .welcome(
            Welcome(
                workerID: "w-ü-01",
                heartbeatIntervalMilliseconds: 1_500,
                heartbeatTimeoutMilliseconds: .max,
                taskTimeoutMilliseconds: 7
            )
        ),
        .refused(Refusal(code: "version-mismatch", message: "worker speaks 2, coordinator speaks 1")),
        .taskBatch(
            TaskBatch(
                job: "sum-squares",
                tasks: [
                    TaskAssignment(taskID: 0, input: []),
                    TaskAssignment(taskID: 1, input: [1, 2, 3]),
                    TaskAssignment(taskID: .max, input: Array(repeating: 0xFF, count: 300)),
                ]
            )
        ),
        .resultBatch(
            ResultBatch(results: [
                TaskCompletion(taskID: 9, outcome: .success([0, 255, 7]), busyNanoseconds: 123_456_789),
                TaskCompletion(taskID: .max, outcome: .failure("primes: lower bound 5 is above 3"), busyNanoseconds: 0),
                TaskCompletion(taskID: 10, outcome: .success([]), busyNanoseconds: .max),
            ])
        ),
        .heartbeat(Heartbeat(tasksInFlight: 0xDEAD_BEEF)),
        .cancel(CancelTasks(taskIDs: [1, 0, .max, 1 << 40])),
        .drain,
        .shutdown,
        .log(LogLine(level: "warning", message: "disk almost full: ✓ ünïcode")),
    ]

    /// An exhaustive switch: adding a `WireMessage` case stops this file compiling until it gets a sample.
    static func caseNumber(_ message: WireMessage) -> Int {
        switch message {
        case .hello: 1
        case .challenge: 2
        case .authenticate: 3
        case .welcome: 4
        case .refused: 5
        case .taskBatch: 6
        case .resultBatch: 7
        case .heartbeat: 8
        case .cancel: 9
        case .drain: 10
        case .shutdown: 11
        case .log: 12
        }
    }

    static func payload(of message: WireMessage) -> [UInt8] {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// The error `WireMessage.decode` throws for `bytes`, or `nil` when it decodes.
    static func decodeError(_ bytes: some Sequence<UInt8>) -> ProtocolError? {
        do {
            _ = try WireMessage.decode(ByteBuffer(bytes: bytes))
            return nil
        } catch {
            return error
        }
    }

    static func makeCodecChannel(maximumFrameBytes: Int = 1024) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(
                WireMessageDecoder(maximumFrameBytes: maximumFrameBytes),
                maximumBufferSize: maximumFrameBytes + 4
            )
        )
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(WireMessageEncoder()))
        return channel
    }

    // MARK: Round trips

    @Test func samplesCoverEveryCase() {
        #expect(Set(Self.samples.map(Self.caseNumber)) == Set(1...12))
    }

    @Test(arguments: samples)
    func payloadRoundTrips(_ message: WireMessage) throws {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        #expect(try WireMessage.decode(buffer) == message)
    }

    @Test(arguments: samples)
    func frameRoundTripsThroughEncoderAndDecoder(_ message: WireMessage) throws {
        let channel = try Self.makeCodecChannel()
        try channel.writeOutbound(message)
        let frame = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)

        // The frame is the length prefix followed by exactly the payload `encode(into:)` writes.
        let payload = Self.payload(of: message)
        #expect(frame.readableBytes == 4 + payload.count)
        #expect(frame.getInteger(at: frame.readerIndex, endianness: .big, as: UInt32.self) == UInt32(payload.count))
        #expect(Array(frame.readableBytesView.dropFirst(4)) == payload)

        try channel.writeInbound(frame)
        #expect(try channel.readInbound(as: WireMessage.self) == message)
        #expect(try channel.readInbound(as: WireMessage.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func helloWithOutOfRangeSlotsIsClampedRatherThanTrapping() throws {
        let hello = Hello(binaryDigest: "", hostName: "h", processID: 1, slots: -3, workerID: "", nonce: [])
        guard case .hello(let decoded) = try WireMessage.decode(ByteBuffer(bytes: Self.payload(of: .hello(hello))))
        else {
            Issue.record("did not decode as hello")
            return
        }
        #expect(decoded.slots == 0)
    }

    // MARK: Pinned bytes

    @Test func heartbeatFrameHasPinnedBytes() throws {
        let channel = try Self.makeCodecChannel()
        try channel.writeOutbound(WireMessage.heartbeat(Heartbeat(tasksInFlight: 0x0102_0304)))
        let frame = try #require(try channel.readOutbound(as: ByteBuffer.self))
        // 4-byte big-endian payload length, 1-byte tag, then the big-endian UInt32.
        #expect(Array(frame.readableBytesView) == [0x00, 0x00, 0x00, 0x05, 0x08, 0x01, 0x02, 0x03, 0x04])
        _ = try channel.finish()
    }

    @Test func drainAndShutdownAreBareTags() {
        #expect(Self.payload(of: .drain) == [0x0A])
        #expect(Self.payload(of: .shutdown) == [0x0B])
    }

    @Test func logPayloadUsesBigEndianLengthPrefixedStrings() {
        let payload = Self.payload(of: .log(LogLine(level: "info", message: "hi")))
        let expected: [UInt8] =
            [0x0C]
            + [0x00, 0x00, 0x00, 0x04] + Array("info".utf8)
            + [0x00, 0x00, 0x00, 0x02] + Array("hi".utf8)
        #expect(payload == expected)
    }

    @Test func helloStartsWithTagThenAsciiMagic() {
        let payload = Self.payload(of: Self.samples[0])
        #expect(Array(payload.prefix(7)) == [0x01] + Array("FNOT".utf8) + [0x00, UInt8(ProtocolConstants.version)])
    }

    // MARK: Hostile payloads

    @Test(arguments: samples)
    func everyStrictPrefixIsTruncated(_ message: WireMessage) {
        let payload = Self.payload(of: message)
        for length in 0..<payload.count {
            let error = Self.decodeError(payload.prefix(length))
            #expect(
                error?.code == .truncated,
                "prefix of \(length) of \(payload.count) bytes: \(String(describing: error))"
            )
        }
    }

    @Test func taskBatchTruncatedAtEveryLengthThrowsTruncated() throws {
        let batch = WireMessage.taskBatch(
            TaskBatch(
                job: "primes",
                tasks: (0..<5).map {
                    TaskAssignment(taskID: UInt64($0) * 1_000, input: Array(repeating: UInt8($0), count: $0 * 3))
                }
            )
        )
        let payload = Self.payload(of: batch)
        #expect(try WireMessage.decode(ByteBuffer(bytes: payload)) == batch)
        for length in 0..<payload.count {
            #expect(Self.decodeError(payload.prefix(length))?.code == .truncated, "prefix of \(length) bytes")
        }
    }

    @Test(arguments: [[0x00], [0x0D], [0xFF], [0x00, 0x01, 0x02]] as [[UInt8]])
    func unknownTagIsMalformed(_ bytes: [UInt8]) {
        #expect(Self.decodeError(bytes)?.code == .malformed)
    }

    @Test(arguments: samples)
    func trailingBytesAreMalformed(_ message: WireMessage) {
        let error = Self.decodeError(Self.payload(of: message) + [0x00])
        #expect(error?.code == .malformed)
    }

    @Test func unknownOutcomeTagIsMalformed() {
        var payload = Self.payload(
            of: .resultBatch(
                ResultBatch(results: [TaskCompletion(taskID: 1, outcome: .success([]), busyNanoseconds: 2)])
            )
        )
        // tag, count, id, busy time, then the outcome byte.
        let outcomeIndex = 1 + 4 + 8 + 8
        #expect(payload[outcomeIndex] == 0)
        payload[outcomeIndex] = 2
        #expect(Self.decodeError(payload)?.code == .malformed)
    }

    @Test func helloWithWrongMagicIsBadMagic() {
        let hello = Hello(
            magic: 0x4854_5450,  // "HTTP"
            binaryDigest: "digest",
            hostName: "host",
            processID: 1,
            slots: 1,
            workerID: "",
            nonce: Array(repeating: 1, count: 32)
        )
        #expect(Self.decodeError(Self.payload(of: .hello(hello)))?.code == .badMagic)
        // The magic is checked as soon as it is read, before the rest of the hello.
        #expect(Self.decodeError([0x01] + Array("GET ".utf8))?.code == .badMagic)
    }

    @Test func taskBatchClaimingFourBillionTasksInTwentyBytesThrowsWithoutAllocating() {
        // Tag, empty job name, count 0xFFFF_FFFF, then 11 bytes: far too few for even one 12-byte task.
        // Reserving capacity for the claimed count would need ~100 GB and crash the test process.
        let payload: [UInt8] = [0x06] + [0, 0, 0, 0] + [0xFF, 0xFF, 0xFF, 0xFF] + Array(repeating: 0, count: 11)
        #expect(payload.count == 20)
        #expect(Self.decodeError(payload)?.code == .truncated)
    }

    @Test func resultAndCancelBatchesClaimingHugeCountsThrow() {
        let results: [UInt8] = [0x07, 0xFF, 0xFF, 0xFF, 0xFF] + Array(repeating: 0, count: 15)
        let cancels: [UInt8] = [0x09, 0xFF, 0xFF, 0xFF, 0xFF] + Array(repeating: 0, count: 15)
        #expect(Self.decodeError(results)?.code == .truncated)
        #expect(Self.decodeError(cancels)?.code == .truncated)
    }

    @Test func lengthPrefixClaimingMoreThanTheFrameIsTruncated() {
        // An authenticate whose proof claims 4 GiB.
        #expect(Self.decodeError([0x03, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3])?.code == .truncated)
    }

    @Test func randomPayloadsOnlyReturnOrThrow() {
        var generator = TestRandom(seed: 0x5EED_F00D)
        var decoded = 0
        var failures: [ProtocolError.Code: Int] = [:]
        for _ in 0..<100_000 {
            let count = Int(generator.next() % 65)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Half the payloads start with a valid tag so that message bodies, not just the tag check, get exercised.
            if !bytes.isEmpty, generator.next() % 2 == 0 {
                bytes[0] = UInt8(1 + generator.next() % 12)
            }
            do {
                _ = try WireMessage.decode(ByteBuffer(bytes: bytes))
                decoded += 1
            } catch {
                failures[error.code, default: 0] += 1
            }
        }
        // Drain, shutdown and short fixed-size messages decode from random bytes now and then.
        #expect(decoded > 0)
        #expect(failures[.truncated, default: 0] > 0)
        #expect(failures[.malformed, default: 0] > 0)
        #expect(Set(failures.keys).isSubset(of: [.truncated, .malformed, .badMagic]))
    }
}

/// SplitMix64, kept local because this target does not depend on FanoutJobs.
struct TestRandom {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
