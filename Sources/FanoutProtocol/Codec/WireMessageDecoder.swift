import NIOCore

/// Splits the inbound byte stream into length-prefixed frames and decodes each into a ``WireMessage``.
///
/// A frame is a 4-byte big-endian length followed by the payload and, on an authenticated connection after the
/// handshake's opening frame, a 16-byte tag (counted in the length; see ``WireSession``). A length above the limit
/// in force is an error before any of the payload is buffered, so an oversized frame costs only its own
/// connection; before the peer has proven the run secret the limit is ``ProtocolConstants/handshakeFrameLimit``.
public struct WireMessageDecoder: ByteToMessageDecoder {
    public typealias InboundOut = WireMessage

    /// The largest payload accepted once the peer is authenticated, in bytes.
    public let maximumFrameBytes: Int

    /// The connection's handshake state, or `nil` for a bare codec (one fixed limit, no tags).
    private let session: WireSession?

    /// Creates a bare decoder: one fixed limit, no tags. For tools and tests that speak raw frames; real
    /// connections use ``init(session:)``.
    /// - Parameter maximumFrameBytes: The largest payload accepted, in bytes.
    public init(maximumFrameBytes: Int = ProtocolConstants.defaultMaximumFrameBytes) {
        self.maximumFrameBytes = maximumFrameBytes
        self.session = nil
    }

    /// Creates the decoder of a real connection, sharing `session` with its encoder.
    /// - Parameter session: The connection's handshake state.
    public init(session: WireSession) {
        self.maximumFrameBytes = session.maximumFrameBytes
        self.session = session
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return .needMoreData
        }
        let limit = self.session?.inboundFrameLimit ?? self.maximumFrameBytes
        let tagBytes = self.session?.inboundTagBytes ?? 0
        guard length <= limit + tagBytes else {
            if let session = self.session, !session.isPeerProven {
                throw ProtocolError(
                    .frameTooLarge,
                    "frame of \(length) bytes before authentication exceeds the handshake limit of \(limit) bytes"
                )
            }
            throw ProtocolError(
                .frameTooLarge,
                "frame of \(length) bytes exceeds the limit of \(limit) bytes (limits.max_frame_bytes)"
            )
        }
        guard length >= tagBytes else {
            throw ProtocolError(.truncated, "frame of \(length) bytes is shorter than its authentication tag")
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let payload = buffer.readSlice(length: Int(length) - tagBytes),
            let tag = buffer.readSlice(length: tagBytes)
        else { return .needMoreData }
        let message: WireMessage
        if let session = self.session {
            message = try session.open(payload: payload, tag: tagBytes > 0 ? tag : nil)
        } else {
            message = try WireMessage.decode(payload)
        }
        context.fireChannelRead(Self.wrapInboundOut(message))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try self.decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            throw ProtocolError(.truncated, "connection closed inside a frame (\(buffer.readableBytes) bytes pending)")
        }
        return .needMoreData
    }
}

/// Encodes ``WireMessage``s as length-prefixed frames, with a tag after the payload once the connection's
/// ``WireSession`` authenticates frames.
///
/// A message whose payload would exceed `maximumFrameBytes` is not sent: the write fails with `frameTooLarge`
/// here, rather than the peer refusing the frame and dropping the connection.
public struct WireMessageEncoder: MessageToByteEncoder {
    public typealias OutboundIn = WireMessage

    /// The largest payload sent, in bytes.
    public let maximumFrameBytes: Int

    /// The connection's handshake state, or `nil` for a bare codec (no tags).
    private let session: WireSession?

    /// Creates a bare encoder: no tags. For tools and tests that speak raw frames; real connections use
    /// ``init(session:)``.
    /// - Parameter maximumFrameBytes: The largest payload sent, in bytes.
    public init(maximumFrameBytes: Int = ProtocolConstants.defaultMaximumFrameBytes) {
        self.maximumFrameBytes = maximumFrameBytes
        self.session = nil
    }

    /// Creates the encoder of a real connection, sharing `session` with its decoder.
    /// - Parameter session: The connection's handshake state.
    public init(session: WireSession) {
        self.maximumFrameBytes = session.maximumFrameBytes
        self.session = session
    }

    public func encode(data: WireMessage, out: inout ByteBuffer) throws {
        let lengthIndex = out.writerIndex
        out.writeInteger(UInt32(0), endianness: .big)
        data.encode(into: &out)
        let length = out.writerIndex - lengthIndex - 4
        guard length <= self.maximumFrameBytes else {
            out.moveWriterIndex(to: lengthIndex)
            throw ProtocolError(
                .frameTooLarge,
                "\(data.kind) message of \(length) bytes exceeds the frame limit of \(self.maximumFrameBytes) bytes"
            )
        }
        var tagBytes = 0
        if let session = self.session, let payload = out.viewBytes(at: lengthIndex + 4, length: length) {
            do {
                if let tag = try session.seal(data, payload: payload) {
                    out.writeBytes(tag)
                    tagBytes = tag.count
                }
            } catch {
                out.moveWriterIndex(to: lengthIndex)
                throw error
            }
        }
        out.setInteger(UInt32(truncatingIfNeeded: length + tagBytes), at: lengthIndex, endianness: .big)
    }
}
