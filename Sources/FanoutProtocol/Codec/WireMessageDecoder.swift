import NIOCore

/// Splits the inbound byte stream into length-prefixed frames and decodes each into a ``WireMessage``.
///
/// A frame is a 4-byte big-endian payload length followed by the payload. A length above
/// `maximumFrameBytes` is an error before any of the payload is buffered, so an oversized frame costs
/// only its own connection.
public struct WireMessageDecoder: ByteToMessageDecoder {
    public typealias InboundOut = WireMessage

    /// The largest payload accepted, in bytes.
    public let maximumFrameBytes: Int

    /// Creates a decoder.
    /// - Parameter maximumFrameBytes: The largest payload accepted, in bytes.
    public init(maximumFrameBytes: Int = ProtocolConstants.defaultMaximumFrameBytes) {
        self.maximumFrameBytes = maximumFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return .needMoreData
        }
        guard length <= self.maximumFrameBytes else {
            throw ProtocolError(
                .frameTooLarge,
                "frame of \(length) bytes exceeds the limit of \(self.maximumFrameBytes) bytes (limits.max_frame_bytes)"
            )
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let payload = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(try WireMessage.decode(payload)))
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

/// Encodes ``WireMessage``s as length-prefixed frames.
///
/// A message whose payload would exceed `maximumFrameBytes` is not sent: the write fails with `frameTooLarge`
/// here, rather than the peer refusing the frame and dropping the connection.
public struct WireMessageEncoder: MessageToByteEncoder {
    public typealias OutboundIn = WireMessage

    /// The largest payload sent, in bytes.
    public let maximumFrameBytes: Int

    /// Creates an encoder.
    /// - Parameter maximumFrameBytes: The largest payload sent, in bytes.
    public init(maximumFrameBytes: Int = ProtocolConstants.defaultMaximumFrameBytes) {
        self.maximumFrameBytes = maximumFrameBytes
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
        out.setInteger(UInt32(truncatingIfNeeded: length), at: lengthIndex, endianness: .big)
    }
}
