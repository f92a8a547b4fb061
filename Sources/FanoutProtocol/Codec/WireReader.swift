import NIOCore

/// A bounds-checked reader over one frame's bytes. Every read either succeeds or throws ``ProtocolError``;
/// lengths are checked against the bytes left before anything is allocated, so hostile frames cannot make us
/// allocate more than they are long.
struct WireReader {
    private var buffer: ByteBuffer

    init(_ buffer: ByteBuffer) { self.buffer = buffer }

    var isAtEnd: Bool { self.buffer.readableBytes == 0 }

    mutating func readInteger<T: FixedWidthInteger>(_: T.Type = T.self, _ what: StaticString) throws -> T {
        guard let value = self.buffer.readInteger(endianness: .big, as: T.self) else {
            throw ProtocolError(.truncated, "frame ends inside \(what)")
        }
        return value
    }

    mutating func readBytes(_ what: StaticString) throws -> [UInt8] {
        let length = Int(try self.readInteger(UInt32.self, what))
        guard length <= self.buffer.readableBytes, let bytes = self.buffer.readBytes(length: length) else {
            throw ProtocolError(.truncated, "\(what) claims \(length) bytes, \(self.buffer.readableBytes) left")
        }
        return bytes
    }

    mutating func readString(_ what: StaticString) throws -> String {
        String(decoding: try self.readBytes(what), as: UTF8.self)
    }

    /// Reads an element count and checks that at least `minimumElementBytes` per element remain.
    mutating func readCount(_ what: StaticString, minimumElementBytes: Int) throws -> Int {
        let count = Int(try self.readInteger(UInt32.self, what))
        guard count <= self.buffer.readableBytes / max(minimumElementBytes, 1) else {
            throw ProtocolError(
                .truncated,
                "\(what) claims \(count) elements, only \(self.buffer.readableBytes) bytes left"
            )
        }
        return count
    }

    func expectEnd(_ what: String) throws {
        guard self.buffer.readableBytes == 0 else {
            throw ProtocolError(.malformed, "\(self.buffer.readableBytes) unexpected bytes after \(what)")
        }
    }
}

extension ByteBuffer {
    mutating func writeLengthPrefixed(_ bytes: [UInt8]) {
        self.writeInteger(UInt32(truncatingIfNeeded: bytes.count), endianness: .big)
        self.writeBytes(bytes)
    }

    mutating func writeLengthPrefixed(_ string: String) {
        self.writeInteger(UInt32(truncatingIfNeeded: string.utf8.count), endianness: .big)
        self.writeString(string)
    }
}
