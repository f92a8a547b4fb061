/// The byte that starts every value of the compact format; ``CompactEncoder`` documents the layout.
enum CompactTag {
    static let null: UInt8 = 0x00
    static let boolFalse: UInt8 = 0x01
    static let boolTrue: UInt8 = 0x02
    static let unsigned: UInt8 = 0x03
    static let signed: UInt8 = 0x04
    static let float32: UInt8 = 0x05
    static let float64: UInt8 = 0x06
    static let string: UInt8 = 0x07
    static let bytes: UInt8 = 0x08
    static let unkeyed: UInt8 = 0x09
    static let keyed: UInt8 = 0x0A
    static let some: UInt8 = 0x0B

    /// The first byte of a key that is an integer (zigzag varint follows).
    static let integerKey: UInt8 = 0x00
    /// The first byte of a key that is a string too long to put its length in that byte (varint length follows).
    static let longStringKey: UInt8 = 0xFF
    /// The longest string key whose length fits the first byte, stored as `length + 1`.
    static let maximumShortStringKeyLength = 0xFD

    /// `[UInt8]`, which has a tag of its own. Kept as an identifier because fetching the metadata of a generic type
    /// instance costs a runtime call each time, and the coders compare against it for every composite value.
    static let byteArrayType = ObjectIdentifier([UInt8].self)

    /// A name for `tag`, for error messages.
    static func name(_ tag: UInt8) -> String {
        switch tag {
        case null: "nil"
        case boolFalse, boolTrue: "Bool"
        case unsigned: "unsigned integer"
        case signed: "signed integer"
        case float32: "Float"
        case float64: "Double"
        case string: "String"
        case bytes: "bytes"
        case unkeyed: "unkeyed container"
        case keyed: "keyed container"
        case some: "present optional"
        default: "unknown tag 0x\(String(tag, radix: 16))"
        }
    }
}
