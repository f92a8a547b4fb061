#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns job inputs and outputs into the bytes carried inside task and result frames.
public enum PayloadCoder {
    /// Encodes a value.
    /// - Parameter value: The value.
    /// - Returns: Its bytes.
    /// - Throws: When the value cannot be encoded.
    public static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    /// Decodes a value.
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: Bytes from ``encode(_:)``.
    /// - Returns: The value.
    /// - Throws: When the bytes are not a valid encoding of `type`.
    public static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
