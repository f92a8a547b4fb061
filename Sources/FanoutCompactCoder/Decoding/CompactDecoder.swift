/// Decodes any `Decodable` value from the compact binary format ``CompactEncoder`` writes.
///
/// Safe on hostile input: for any bytes, decoding returns a value or throws ``CompactCodingError``. It never traps,
/// every loop consumes input, lengths are checked against the bytes left before anything is allocated, element
/// counts against ``Limits/maximumCollectionCount``, and nesting against ``Limits/maximumDepth``; so the memory it
/// allocates is a small multiple of the input size (plus what the decoded types themselves hold per element).
public struct CompactDecoder: Sendable {
    /// Bounds on what a payload may ask the decoder to do.
    public struct Limits: Sendable {
        /// How deeply values may nest (each struct, enum, array or dictionary level counts one). Bounds recursion,
        /// and so stack use, on hostile input.
        public var maximumDepth: Int = 64
        /// The most elements one unkeyed container, or keys one keyed container, may declare.
        public var maximumCollectionCount: Int = 16_777_216

        /// Creates limits.
        ///
        /// - Parameters:
        ///   - maximumDepth: How deeply values may nest.
        ///   - maximumCollectionCount: The most elements one container may declare.
        public init(maximumDepth: Int = 64, maximumCollectionCount: Int = 16_777_216) {
            self.maximumDepth = maximumDepth
            self.maximumCollectionCount = maximumCollectionCount
        }

        /// A depth of 64 and 16,777,216 elements per container.
        public static let `default` = Limits()
    }

    /// The limits this decoder enforces.
    public var limits: Limits

    /// Creates a decoder.
    ///
    /// - Parameter limits: The limits to enforce on every payload.
    public init(limits: Limits = .default) {
        self.limits = limits
    }

    /// Decodes a value from a complete payload.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: The payload; it must hold exactly one value.
    /// - Returns: The decoded value.
    /// - Throws: ``CompactCodingError`` if the bytes are not a valid encoding of `type`, exceed the limits, or have
    ///   bytes after the value.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(CompactCodingError) -> T {
        try self.decode(type, from: bytes[...])
    }

    /// Decodes a value from a complete payload that is part of a larger buffer.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: The payload; it must hold exactly one value. Byte offsets in errors count from its start.
    /// - Returns: The decoded value.
    /// - Throws: ``CompactCodingError`` if the bytes are not a valid encoding of `type`, exceed the limits, or have
    ///   bytes after the value.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>) throws(CompactCodingError) -> T {
        let state = CompactDecodingState(bytes: bytes, limits: self.limits)
        do {
            return try state.decodeRoot(T.self)
        } catch {
            throw CompactCodingError.wrapping(error, at: [])
        }
    }
}
