/// Reads the SSH wire encoding (RFC 4251): big-endian `uint32`s and length-prefixed strings.
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0

    /// - Parameter bytes: The encoded data.
    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// - Returns: The next `count` bytes, or `nil` past the end.
    mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, self.offset + count <= self.bytes.count else { return nil }
        defer { self.offset += count }
        return Array(self.bytes[self.offset..<self.offset + count])
    }

    /// - Returns: The next big-endian `uint32`, or `nil` past the end.
    mutating func readUInt32() -> UInt32? {
        self.readBytes(4).map { $0.reduce(0) { $0 << 8 | UInt32($1) } }
    }

    /// - Returns: The next length-prefixed string, or `nil` past the end.
    mutating func readString() -> [UInt8]? {
        guard let length = self.readUInt32(), length < 1 << 20 else { return nil }
        return self.readBytes(Int(length))
    }
}
