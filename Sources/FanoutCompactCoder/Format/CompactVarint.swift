/// LEB128 varints and zigzag mapping, the integer encoding of the compact format.
enum CompactVarint {
    /// The most bytes a 64-bit varint takes.
    static let maximumLength = 10

    @inline(__always)
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value &<< 1) ^ (value &>> 63))
    }

    @inline(__always)
    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value &>> 1) ^ (0 &- Int64(bitPattern: value & 1))
    }

    @inline(__always)
    static func zigzag(_ value: Int128) -> UInt128 {
        UInt128(bitPattern: (value &<< 1) ^ (value &>> 127))
    }

    @inline(__always)
    static func unzigzag(_ value: UInt128) -> Int128 {
        Int128(bitPattern: value &>> 1) ^ (0 &- Int128(bitPattern: value & 1))
    }

    @inline(__always)
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value &>>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    static func append(_ value: UInt128, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value &>>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// The number of bytes `append` writes for `value`.
    @inline(__always)
    static func length(of value: UInt64) -> Int {
        var length = 1
        var value = value
        while value >= 0x80 {
            value &>>= 7
            length &+= 1
        }
        return length
    }
}
