import FanoutProtocol

/// Turns job inputs and outputs into the bytes carried inside task and result frames.
///
/// Uses the compact binary Codable format of ``CompactEncoder``: about ten times cheaper than JSON per task, which
/// matters when a task itself costs microseconds. Decoding is bounded, so a hostile payload costs an error, not a
/// crash.
public enum PayloadCoder {
    /// Encodes a value.
    /// - Parameter value: The value.
    /// - Returns: Its bytes.
    /// - Throws: ``CompactCodingError`` when the value cannot be encoded.
    public static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        try CompactEncoder().encode(value)
    }

    /// Decodes a value.
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: Bytes from ``encode(_:)``.
    /// - Returns: The value.
    /// - Throws: ``CompactCodingError`` when the bytes are not a valid encoding of `type`.
    public static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        try CompactDecoder().decode(type, from: bytes)
    }
}
