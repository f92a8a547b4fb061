import FanoutProtocol
import NIOCore
import NIOEmbedded
import Testing

/// Framing: reassembly across arbitrary TCP chunking, the frame-size limit, and end of stream inside a frame.
@Suite("Frame decoder")
struct FrameDecoderTests {
    static let maximumFrameBytes = 64

    static let messages: [WireMessage] = [
        .heartbeat(Heartbeat(tasksInFlight: 3)),
        .drain,
        .taskBatch(TaskBatch(job: "noop", tasks: [TaskAssignment(taskID: 7, input: [1, 2, 3, 4])])),
        .log(LogLine(level: "info", message: "hello")),
        .shutdown,
        .cancel(CancelTasks(taskIDs: [1, 2, 3])),
    ]

    static func makeDecoderChannel(maximumFrameBytes: Int = maximumFrameBytes) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(
                WireMessageDecoder(maximumFrameBytes: maximumFrameBytes),
                maximumBufferSize: maximumFrameBytes + 4
            )
        )
        return channel
    }

    /// The frames of `messages`, back to back, as one byte array.
    static func stream(of messages: [WireMessage]) throws -> [UInt8] {
        var out = ByteBuffer()
        for message in messages {
            try WireMessageEncoder().encode(data: message, out: &out)
        }
        return Array(out.readableBytesView)
    }

    static func readAll(_ channel: EmbeddedChannel) throws -> [WireMessage] {
        var messages: [WireMessage] = []
        while let message = try channel.readInbound(as: WireMessage.self) {
            messages.append(message)
        }
        return messages
    }

    /// Feeds `bytes` in chunks of the given sizes (the last chunk takes the rest).
    static func feed(_ bytes: [UInt8], chunkSizes: [Int], to channel: EmbeddedChannel) throws {
        var start = 0
        for size in chunkSizes where start < bytes.count {
            let end = min(start + size, bytes.count)
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<end]))
            start = end
        }
        if start < bytes.count {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start...]))
        }
    }

    /// The error the channel reports, as a `ProtocolError`, or `nil` when `body` did not throw.
    static func protocolError(_ body: () throws -> Void) -> ProtocolError? {
        do {
            try body()
            return nil
        } catch let error as ProtocolError {
            return error
        } catch {
            Issue.record("expected a ProtocolError, got \(error)")
            return nil
        }
    }

    // MARK: Reassembly

    @Test func framesFedOneByteAtATimeReassemble() throws {
        let bytes = try Self.stream(of: Self.messages)
        let channel = try Self.makeDecoderChannel()
        try Self.feed(bytes, chunkSizes: Array(repeating: 1, count: bytes.count), to: channel)
        #expect(try Self.readAll(channel) == Self.messages)
        #expect(try channel.finish().isClean)
    }

    @Test func framesSplitAtEveryPointIntoTwoChunksReassemble() throws {
        let bytes = try Self.stream(of: Self.messages)
        for split in 0...bytes.count {
            let channel = try Self.makeDecoderChannel()
            try Self.feed(bytes, chunkSizes: [split], to: channel)
            #expect(try Self.readAll(channel) == Self.messages, "split at \(split)")
            #expect(try channel.finish().isClean)
        }
    }

    @Test func framesSplitAtRandomBoundariesReassemble() throws {
        let bytes = try Self.stream(of: Self.messages)
        var generator = TestRandom(seed: 42)
        for _ in 0..<200 {
            let chunkSizes = (0..<bytes.count).map { _ in Int(generator.next() % 17) }
            let channel = try Self.makeDecoderChannel()
            try Self.feed(bytes, chunkSizes: chunkSizes, to: channel)
            #expect(try Self.readAll(channel) == Self.messages, "chunks \(chunkSizes)")
            #expect(try channel.finish().isClean)
        }
    }

    @Test func nothingIsDeliveredUntilTheWholeFrameArrived() throws {
        let bytes = try Self.stream(of: [.log(LogLine(level: "debug", message: "partial"))])
        let channel = try Self.makeDecoderChannel()
        try channel.writeInbound(ByteBuffer(bytes: bytes.dropLast()))
        #expect(try channel.readInbound(as: WireMessage.self) == nil)
        try channel.writeInbound(ByteBuffer(bytes: bytes.suffix(1)))
        #expect(try channel.readInbound(as: WireMessage.self) == .log(LogLine(level: "debug", message: "partial")))
        #expect(try channel.finish().isClean)
    }

    // MARK: Frame-size limit

    @Test func frameExactlyAtTheLimitIsAccepted() throws {
        // Tag (1) + empty level (4) + message length (4) + 55 bytes = 64.
        let message = WireMessage.log(LogLine(level: "", message: String(repeating: "x", count: 55)))
        let bytes = try Self.stream(of: [message])
        #expect(bytes.count == 4 + Self.maximumFrameBytes)
        let channel = try Self.makeDecoderChannel()
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        #expect(try channel.readInbound(as: WireMessage.self) == message)
        #expect(try channel.finish().isClean)
    }

    @Test func frameLengthAboveTheLimitIsRejectedFromTheHeaderAlone() throws {
        let channel = try Self.makeDecoderChannel()
        // Only the 4-byte header: the decoder must not wait for (or buffer) the 65-byte payload.
        let error = Self.protocolError {
            try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x00, 0x00, UInt8(Self.maximumFrameBytes + 1)]))
        }
        #expect(error?.code == .frameTooLarge)
        #expect(try channel.readInbound(as: WireMessage.self) == nil)
        _ = try? channel.finish()
    }

    @Test func frameHeaderAtTheLimitWaitsForItsPayload() throws {
        let channel = try Self.makeDecoderChannel()
        try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x00, 0x00, UInt8(Self.maximumFrameBytes)]))
        #expect(try channel.readInbound(as: WireMessage.self) == nil)
        _ = try? channel.finish()
    }

    @Test func hugeFrameLengthIsRejected() throws {
        let channel = try Self.makeDecoderChannel(maximumFrameBytes: ProtocolConstants.defaultMaximumFrameBytes)
        let error = Self.protocolError {
            try channel.writeInbound(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x0A]))
        }
        #expect(error?.code == .frameTooLarge)
        _ = try? channel.finish()
    }

    @Test func oversizedFrameAfterAGoodOneStillDeliversTheGoodOne() throws {
        let channel = try Self.makeDecoderChannel()
        let good = try Self.stream(of: [.drain])
        let error = Self.protocolError {
            try channel.writeInbound(ByteBuffer(bytes: good + [0x00, 0x01, 0x00, 0x00]))
        }
        #expect(error?.code == .frameTooLarge)
        #expect(try channel.readInbound(as: WireMessage.self) == .drain)
        _ = try? channel.finish()
    }

    // MARK: Bad payloads and end of stream

    @Test func badPayloadInsideAFrameSurfacesItsError() throws {
        let channel = try Self.makeDecoderChannel()
        let error = Self.protocolError {
            try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x00, 0x00, 0x01, 0x63]))
        }
        #expect(error?.code == .malformed)
        _ = try? channel.finish()
    }

    @Test func emptyFrameIsTruncated() throws {
        let channel = try Self.makeDecoderChannel()
        let error = Self.protocolError {
            try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x00, 0x00, 0x00]))
        }
        #expect(error?.code == .truncated)
        _ = try? channel.finish()
    }

    @Test(arguments: [1, 2, 3, 4, 5, 8])
    func connectionClosingMidFrameIsTruncated(keptBytes: Int) throws {
        let bytes = try Self.stream(of: [.heartbeat(Heartbeat(tasksInFlight: 1))])
        #expect(keptBytes < bytes.count)
        let channel = try Self.makeDecoderChannel()
        try channel.writeInbound(ByteBuffer(bytes: bytes.prefix(keptBytes)))
        #expect(try channel.readInbound(as: WireMessage.self) == nil)
        let error = Self.protocolError { _ = try channel.finish() }
        #expect(error?.code == .truncated)
    }

    @Test func connectionClosingBetweenFramesIsClean() throws {
        let channel = try Self.makeDecoderChannel()
        try channel.writeInbound(ByteBuffer(bytes: try Self.stream(of: Self.messages)))
        #expect(try channel.finish().isClean == false)  // The decoded messages are still waiting to be read.
        #expect(try Self.readAll(channel) == Self.messages)
    }

    @Test func framesCompletedOnlyAtCloseAreStillDeliveredBeforeTheTruncationError() throws {
        // Two whole frames and half of a third arrive in one read; closing delivers both, then reports the rest.
        let bytes = try Self.stream(of: [.drain, .shutdown, .heartbeat(Heartbeat(tasksInFlight: 9))])
        let channel = try Self.makeDecoderChannel()
        try channel.writeInbound(ByteBuffer(bytes: bytes.dropLast(2)))
        let error = Self.protocolError { _ = try channel.finish() }
        #expect(error?.code == .truncated)
        #expect(try Self.readAll(channel) == [.drain, .shutdown])
    }
}
