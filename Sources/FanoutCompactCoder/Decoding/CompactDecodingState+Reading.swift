extension CompactDecodingState {
    // MARK: Building blocks

    /// The tag at `position`, without moving.
    @inline(__always)
    func peekTag(at position: Int, limit: Int) throws(CompactCodingError) -> UInt8 {
        guard position < limit else {
            throw self.truncated(at: position, "a value")
        }
        return self.bytes[position]
    }

    @inline(__always)
    func readByte(
        _ position: inout Int,
        limit: Int,
        _ what: @autoclosure () -> String
    ) throws(CompactCodingError)
        -> UInt8
    {
        guard position < limit else {
            throw self.truncated(at: position, what())
        }
        let byte = self.bytes[position]
        position &+= 1
        return byte
    }

    /// Reads a LEB128 varint of at most 64 bits.
    @inline(__always)
    func readVarint(_ position: inout Int, limit: Int) throws(CompactCodingError) -> UInt64 {
        let first = try self.readByte(&position, limit: limit, "a varint")
        if first < 0x80 {
            return UInt64(first)
        }
        return try self.readVarintTail(first: first, &position, limit: limit)
    }

    private func readVarintTail(first: UInt8, _ position: inout Int, limit: Int) throws(CompactCodingError) -> UInt64 {
        let start = position &- 1
        var result = UInt64(first & 0x7F)
        var shift: UInt64 = 7
        while true {
            let byte = try self.readByte(&position, limit: limit, "a varint")
            if shift == 63 && byte > 1 {
                throw self.invalid(at: start, "a varint does not fit in 64 bits")
            }
            result |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 {
                return result
            }
            shift &+= 7
        }
    }

    /// Reads a LEB128 varint of at most 128 bits.
    func readVarint128(_ position: inout Int, limit: Int) throws(CompactCodingError) -> UInt128 {
        let start = position
        var result: UInt128 = 0
        var shift: UInt128 = 0
        while true {
            let byte = try self.readByte(&position, limit: limit, "a varint")
            if shift == 126 && byte > 3 {
                throw self.invalid(at: start, "a varint does not fit in 128 bits")
            }
            result |= UInt128(byte & 0x7F) &<< shift
            if byte < 0x80 {
                return result
            }
            shift &+= 7
        }
    }

    /// Reads a byte count and checks that that many bytes are left before `limit`.
    @inline(__always)
    func readLength(
        _ position: inout Int,
        limit: Int,
        _ what: @autoclosure () -> String
    ) throws(CompactCodingError)
        -> Int
    {
        let start = position
        let length = try self.readVarint(&position, limit: limit)
        guard length <= UInt64(limit &- position) else {
            throw CompactCodingError(
                code: .truncated,
                message: "\(what()) declares \(length) bytes but only \(limit &- position) are left",
                byteOffset: self.offset(start)
            )
        }
        return Int(truncatingIfNeeded: length)
    }

    /// Returns where the value at `position` ends, checking its header but not its contents.
    ///
    /// Constant time for every value (containers carry their byte length), except for a run of present-optional
    /// markers, which is walked one byte at a time.
    func skipValue(at position: Int, limit: Int) throws(CompactCodingError) -> Int {
        var position = position
        while true {
            let start = position
            let tag = try self.readByte(&position, limit: limit, "a value")
            switch tag {
            case CompactTag.null, CompactTag.boolFalse, CompactTag.boolTrue:
                return position
            case CompactTag.unsigned, CompactTag.signed:
                var length = 0
                while true {
                    let byte = try self.readByte(&position, limit: limit, "a varint")
                    length &+= 1
                    if byte < 0x80 {
                        return position
                    }
                    if length >= 19 {
                        throw self.invalid(at: start, "a varint is longer than 128 bits")
                    }
                }
            case CompactTag.float32:
                guard limit &- position >= 4 else { throw self.truncated(at: start, "a Float") }
                return position &+ 4
            case CompactTag.float64:
                guard limit &- position >= 8 else { throw self.truncated(at: start, "a Double") }
                return position &+ 8
            case CompactTag.string, CompactTag.bytes, CompactTag.keyed:
                let length = try self.readLength(&position, limit: limit, CompactTag.name(tag))
                return position &+ length
            case CompactTag.unkeyed:
                let header = try self.readUnkeyedHeader(&position, limit: limit, start: start)
                return header.end
            case CompactTag.some:
                continue
            default:
                throw self.invalid(at: start, "unknown tag 0x\(String(tag, radix: 16))")
            }
        }
    }

    // MARK: Primitives

    func readBool(_ position: inout Int, limit: Int) throws(CompactCodingError) -> Bool {
        let start = position
        let tag = try self.readByte(&position, limit: limit, "a Bool")
        switch tag {
        case CompactTag.boolTrue: return true
        case CompactTag.boolFalse: return false
        default: throw self.mismatch(at: start, expected: "Bool", found: tag)
        }
    }

    /// Reads an integer written with either integer tag, as long as its value fits `T`.
    @inline(__always)
    func readInteger<T: FixedWidthInteger>(
        _ type: T.Type,
        _ position: inout Int,
        limit: Int
    ) throws(CompactCodingError) -> T {
        let start = position
        let tag = try self.readByte(&position, limit: limit, "an integer")
        let result: T?
        switch tag {
        case CompactTag.unsigned:
            result = T(exactly: try self.readVarint(&position, limit: limit))
        case CompactTag.signed:
            result = T(exactly: CompactVarint.unzigzag(try self.readVarint(&position, limit: limit)))
        default:
            throw self.mismatch(at: start, expected: "\(T.self)", found: tag)
        }
        guard let result else {
            throw self.invalid(at: start, "the encoded integer does not fit in \(T.self)")
        }
        return result
    }

    /// Reads a 128-bit integer written with either integer tag, as long as its value fits `T`.
    func readInteger128<T: FixedWidthInteger>(
        _ type: T.Type,
        _ position: inout Int,
        limit: Int
    ) throws(CompactCodingError) -> T {
        let start = position
        let tag = try self.readByte(&position, limit: limit, "an integer")
        let result: T?
        switch tag {
        case CompactTag.unsigned:
            result = T(exactly: try self.readVarint128(&position, limit: limit))
        case CompactTag.signed:
            result = T(exactly: CompactVarint.unzigzag(try self.readVarint128(&position, limit: limit)))
        default:
            throw self.mismatch(at: start, expected: "\(T.self)", found: tag)
        }
        guard let result else {
            throw self.invalid(at: start, "the encoded integer does not fit in \(T.self)")
        }
        return result
    }

    /// Reads `count` little-endian bytes starting at `position` (already bounds-checked) as an integer.
    @inline(__always)
    private func littleEndianBits<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, at position: Int) -> T {
        var bits: T = 0
        var index = 0
        while index < T.bitWidth / 8 {
            bits |= T(self.bytes[position &+ index]) &<< (index &* 8)
            index &+= 1
        }
        return bits
    }

    func readFloat(_ position: inout Int, limit: Int) throws(CompactCodingError) -> Float {
        let start = position
        let tag = try self.readByte(&position, limit: limit, "a Float")
        guard tag == CompactTag.float32 else {
            throw self.mismatch(at: start, expected: "Float", found: tag)
        }
        guard limit &- position >= 4 else { throw self.truncated(at: start, "a Float") }
        let bits = self.littleEndianBits(UInt32.self, at: position)
        position &+= 4
        return Float(bitPattern: bits)
    }

    /// Reads a `Double`; a `Float` is accepted too, since widening it loses nothing.
    @inline(__always)
    func readDouble(_ position: inout Int, limit: Int) throws(CompactCodingError) -> Double {
        let start = position
        let tag = try self.readByte(&position, limit: limit, "a Double")
        switch tag {
        case CompactTag.float64:
            guard limit &- position >= 8 else { throw self.truncated(at: start, "a Double") }
            let bits = self.littleEndianBits(UInt64.self, at: position)
            position &+= 8
            return Double(bitPattern: bits)
        case CompactTag.float32:
            position = start
            return Double(try self.readFloat(&position, limit: limit))
        default:
            throw self.mismatch(at: start, expected: "Double", found: tag)
        }
    }

    @inline(__always)
    func readString(_ position: inout Int, limit: Int) throws(CompactCodingError) -> String {
        let start = position
        let tag = try self.readByte(&position, limit: limit, "a String")
        guard tag == CompactTag.string else {
            throw self.mismatch(at: start, expected: "String", found: tag)
        }
        let length = try self.readLength(&position, limit: limit, "a String")
        guard let string = self.makeString(from: position..<(position &+ length)) else {
            throw self.invalid(at: start, "a String is not valid UTF-8")
        }
        position &+= length
        return string
    }

    /// The string whose UTF-8 is `range` of the input, or `nil` if it is not valid UTF-8.
    @inline(__always)
    func makeString(from range: Range<Int>) -> String? {
        self.bytes[range].withUnsafeBufferPointer { buffer in
            // Checking for ASCII first is much cheaper than the general validator, and ASCII is the common case.
            var combined: UInt8 = 0
            for byte in buffer {
                combined |= byte
            }
            if combined < 0x80 {
                return String(decoding: buffer, as: UTF8.self)
            }
            return String(validating: buffer, as: UTF8.self)
        }
    }

    func readBytes(_ position: inout Int, limit: Int) throws(CompactCodingError) -> [UInt8] {
        let start = position
        let tag = try self.readByte(&position, limit: limit, "bytes")
        guard tag == CompactTag.bytes else {
            throw self.mismatch(at: start, expected: "[UInt8]", found: tag)
        }
        let length = try self.readLength(&position, limit: limit, "a byte array")
        let result = Array(self.bytes[position..<(position &+ length)])
        position &+= length
        return result
    }

    // MARK: Containers

    /// Reads a keyed container's header at `position`; returns where its entries start and end.
    func openKeyed(at position: Int, limit: Int) throws(CompactCodingError) -> (start: Int, end: Int) {
        var position = position
        let start = position
        let tag = try self.readByte(&position, limit: limit, "a keyed container")
        guard tag == CompactTag.keyed else {
            throw self.mismatch(at: start, expected: "a keyed container", found: tag)
        }
        let length = try self.readLength(&position, limit: limit, "a keyed container")
        return (position, position &+ length)
    }

    /// Reads an unkeyed container's header at `position`; returns where its elements start and end, and their count.
    func openUnkeyed(at position: Int, limit: Int) throws(CompactCodingError) -> (start: Int, end: Int, count: Int) {
        var position = position
        let start = position
        let tag = try self.readByte(&position, limit: limit, "an unkeyed container")
        guard tag == CompactTag.unkeyed else {
            throw self.mismatch(at: start, expected: "an unkeyed container", found: tag)
        }
        let header = try self.readUnkeyedHeader(&position, limit: limit, start: start)
        return (position, header.end, header.count)
    }

    /// Reads the byte length and element count after an unkeyed tag, leaving `position` at the first element.
    private func readUnkeyedHeader(
        _ position: inout Int,
        limit: Int,
        start: Int
    ) throws(CompactCodingError) -> (end: Int, count: Int) {
        let lengthValue = try self.readVarint(&position, limit: limit)
        let countValue = try self.readVarint(&position, limit: limit)
        guard lengthValue <= UInt64(limit &- position) else {
            throw CompactCodingError(
                code: .truncated,
                message: "an unkeyed container declares \(lengthValue) bytes but only \(limit &- position) are left",
                byteOffset: self.offset(start)
            )
        }
        // Every element takes at least one byte, which bounds what a caller may reserve for them.
        guard countValue <= lengthValue else {
            throw self.invalid(
                at: start,
                "an unkeyed container declares \(countValue) elements in \(lengthValue) bytes"
            )
        }
        guard countValue <= UInt64(max(0, self.limits.maximumCollectionCount)) else {
            throw CompactCodingError(
                code: .tooLarge,
                message: "an unkeyed container declares \(countValue) elements, more than the limit of "
                    + "\(self.limits.maximumCollectionCount)",
                byteOffset: self.offset(start)
            )
        }
        return (position &+ Int(truncatingIfNeeded: lengthValue), Int(truncatingIfNeeded: countValue))
    }

    // MARK: Keys

    /// An entry key as stored: an integer, or the position and length of its UTF-8 bytes.
    enum StoredKey {
        case integer(Int64)
        case string(start: Int, count: Int)
    }

    /// Reads the entry key at `position`, leaving `position` at the entry's value.
    @inline(__always)
    func readKey(_ position: inout Int, limit: Int) throws(CompactCodingError) -> StoredKey {
        let first = try self.readByte(&position, limit: limit, "a key")
        switch first {
        case CompactTag.integerKey:
            return .integer(CompactVarint.unzigzag(try self.readVarint(&position, limit: limit)))
        case CompactTag.longStringKey:
            let count = try self.readLength(&position, limit: limit, "a key")
            defer { position &+= count }
            return .string(start: position, count: count)
        default:
            let count = Int(first &- 1)
            guard count <= limit &- position else {
                throw self.truncated(at: position &- 1, "a key")
            }
            defer { position &+= count }
            return .string(start: position, count: count)
        }
    }

    /// Whether a stored key is `key`: an integer key matches the key's `intValue` (or a `stringValue` spelling that
    /// number), a string key matches the key's `stringValue`, compared byte by byte without building a `String`.
    @inline(__always)
    func storedKey<Key: CodingKey>(_ stored: StoredKey, matches key: Key) -> Bool {
        switch stored {
        case .integer(let value):
            if let intValue = key.intValue {
                return Int64(intValue) == value
            }
            guard let value = Int(exactly: value) else { return false }
            return CompactCodingKey.string(key.stringValue, isCanonicalDecimalOf: value)
        case .string(let start, let count):
            var stringValue = key.stringValue
            return stringValue.withUTF8 { keyBytes in
                guard keyBytes.count == count else { return false }
                var index = 0
                while index < count {
                    guard self.bytes[start &+ index] == keyBytes[index] else { return false }
                    index &+= 1
                }
                return true
            }
        }
    }

    /// Builds a `Key` from a stored key, for `allKeys`; `nil` if `Key` has no such key.
    func makeKey<Key: CodingKey>(_ stored: StoredKey, as type: Key.Type) -> Key? {
        switch stored {
        case .integer(let value):
            guard let value = Int(exactly: value) else { return nil }
            return Key(intValue: value) ?? Key(stringValue: String(value))
        case .string(let start, let count):
            guard let string = self.makeString(from: start..<(start &+ count)) else {
                return nil
            }
            return Key(stringValue: string)
        }
    }
}
