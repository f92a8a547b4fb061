import FanoutCompactCoder
import FoundationEssentials

/// One of the payload coders being compared, behind the interface `PayloadCoder` needs: `[UInt8]` in and out.
///
/// The Foundation coders work on `Data`; the copies to and from `[UInt8]` are counted, because a `PayloadCoder`
/// built on them would make the same copies (task and result frames carry `[UInt8]`).
enum Coder: String, CaseIterable, Sendable {
    case compact = "Compact"
    case json = "JSON"
    case propertyList = "plist (binary)"

    /// Encoders and decoders are made once, as a `PayloadCoder` built on them would keep them.
    private static let compactEncoder = CompactEncoder()
    private static let compactDecoder = CompactDecoder()
    private static let jsonEncoder = JSONEncoder()
    private static let jsonDecoder = JSONDecoder()
    private static let propertyListEncoder: PropertyListEncoder = {
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        return encoder
    }()
    private static let propertyListDecoder = PropertyListDecoder()

    /// Encodes `value` into payload bytes.
    @inline(__always)
    func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        switch self {
        case .compact: try Self.compactEncoder.encode(value)
        case .json: [UInt8](try Self.jsonEncoder.encode(value))
        case .propertyList: [UInt8](try Self.propertyListEncoder.encode(value))
        }
    }

    /// Decodes payload bytes into a value.
    @inline(__always)
    func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        switch self {
        case .compact: try Self.compactDecoder.decode(type, from: bytes)
        case .json: try Self.jsonDecoder.decode(type, from: Data(bytes))
        case .propertyList: try Self.propertyListDecoder.decode(type, from: Data(bytes))
        }
    }
}
