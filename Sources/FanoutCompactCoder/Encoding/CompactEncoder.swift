/// Encodes any `Encodable` value into the compact binary format that carries job inputs and outputs.
///
/// The format is self-describing (every value can be skipped without knowing its type), so keyed containers can be
/// read in any order, optional fields may be absent, and a decoder can answer `allKeys`, `contains` and `isAtEnd`.
///
/// ## Format
///
/// A payload is exactly one *value*; bytes after it are an error. Integers are LEB128 varints (`varint`), signed
/// ones zigzag-mapped first. Every value starts with a tag byte:
///
/// | Tag    | Value                 | Followed by                                                            |
/// |--------|-----------------------|------------------------------------------------------------------------|
/// | `0x00` | nil                   | nothing                                                                |
/// | `0x01` | `false`               | nothing                                                                |
/// | `0x02` | `true`                | nothing                                                                |
/// | `0x03` | unsigned integer      | varint (up to 128 bits)                                                |
/// | `0x04` | signed integer        | zigzag varint (up to 128 bits)                                         |
/// | `0x05` | `Float`               | 4 bytes: the IEEE 754 bit pattern, little-endian                       |
/// | `0x06` | `Double`              | 8 bytes: the IEEE 754 bit pattern, little-endian                       |
/// | `0x07` | `String`              | varint byte count, UTF-8                                               |
/// | `0x08` | `[UInt8]`             | varint byte count, the bytes                                           |
/// | `0x09` | unkeyed container     | varint byte count of the elements, varint element count, the elements |
/// | `0x0A` | keyed container       | varint byte count of the entries, the entries                          |
/// | `0x0B` | present optional      | a value (only for an optional inside an optional, so `Int??.some(nil)` |
/// |        |                       | differs from `nil`)                                                    |
///
/// An entry of a keyed container is a key, then a value. A key's first byte `k` says what follows: `0x00` an
/// integer key as a zigzag varint (used when the `CodingKey` has an `intValue` and its `stringValue` is that number
/// in decimal, as for `[Int: V]` dictionaries); `0x01...0xFE` a string key of `k - 1` UTF-8 bytes; `0xFF` a string
/// key with a varint byte count. Absent optionals (`encodeIfPresent(nil)`) have no entry; an explicit
/// `encodeNil(forKey:)` has a nil entry. A value whose `encode(to:)` encodes nothing is an empty keyed container.
///
/// For example `struct Point: Codable { var x: Int; var y: Int }` with `x: 1, y: -2` is
/// `0A 08 02 78 04 02 02 79 04 03`: keyed container of 8 bytes; key "x", signed 1; key "y", signed -2.
///
/// ## Performance
///
/// Values are written in one pass into one buffer; a container's length is patched in when the value is done with
/// it (a one-byte placeholder, widened only for containers of 128 bytes or more). The encoder allocates one
/// state object per call plus what the `Encoder` protocol itself requires (a box per keyed container).
public struct CompactEncoder: Sendable {
    /// How deeply values may nest (each struct, enum, array or dictionary level counts one). Encoding deeper
    /// throws ``CompactCodingError/Code/tooDeep`` instead of overflowing the stack on a cyclic object graph.
    /// Defaults to ``CompactDecoder/Limits/default``'s depth, so what this encoder writes the default decoder reads.
    public var maximumDepth: Int

    /// Creates an encoder.
    public init() {
        self.maximumDepth = CompactDecoder.Limits.default.maximumDepth
    }

    /// Encodes a value.
    ///
    /// - Parameter value: The value to encode.
    /// - Returns: The encoded bytes.
    /// - Throws: ``CompactCodingError`` if the value's `encode(to:)` throws or misuses the `Encoder` API.
    public func encode<T: Encodable>(_ value: T) throws(CompactCodingError) -> [UInt8] {
        var bytes: [UInt8] = []
        try self.encode(value, appendingTo: &bytes)
        return bytes
    }

    /// Encodes a value at the end of an existing buffer, for callers that frame payloads themselves.
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - bytes: The buffer to append to. Left as it was if encoding fails.
    /// - Throws: ``CompactCodingError`` if the value's `encode(to:)` throws or misuses the `Encoder` API.
    public func encode<T: Encodable>(_ value: T, appendingTo bytes: inout [UInt8]) throws(CompactCodingError) {
        let originalCount = bytes.count
        // Move the buffer into the state and back, so appending never copies it.
        let state = CompactEncodingState(bytes: bytes, maximumDepth: self.maximumDepth)
        bytes = []
        do {
            try state.encodeRoot(value)
        } catch {
            bytes = state.bytes
            state.bytes = []
            if bytes.count > originalCount {
                bytes.removeSubrange(originalCount...)
            }
            throw CompactCodingError.wrapping(error, at: [])
        }
        bytes = state.bytes
        state.bytes = []
    }
}
