/// The shared side of one `CompactDecoder.decode` call: the input, the limits, and the path of values being decoded.
///
/// Every read takes a position and a limit (the end of the innermost enclosing value) and checks both before it
/// touches a byte; every length is checked against the bytes left before anything is allocated for it. Positions
/// are indices into `bytes` (so they start at `bytes.startIndex`, not 0).
final class CompactDecodingState {
    let bytes: ArraySlice<UInt8>
    let limits: CompactDecoder.Limits
    /// One component per composite value being decoded; its count is the depth.
    private var path: [CompactPathComponent] = []
    /// Per keyed-container depth: where the last lookup ended, so fields read in encoding order cost one step each.
    private var cursors: [KeyedCursor] = []

    private struct KeyedCursor {
        /// The start of the container the position belongs to; a hint from any other container is ignored.
        var owner: Int
        var position: Int
    }

    init(bytes: ArraySlice<UInt8>, limits: CompactDecoder.Limits) {
        self.bytes = bytes
        self.limits = limits
        self.path.reserveCapacity(8)
    }

    // MARK: Values

    /// Decodes the top-level value, which must use up the input.
    func decodeRoot<T: Decodable>(_ type: T.Type) throws -> T {
        var position = self.bytes.startIndex
        let value = try self.decodeValue(T.self, &position, limit: self.bytes.endIndex, at: .none)
        guard position == self.bytes.endIndex else {
            throw CompactCodingError(
                code: .trailingBytes,
                message: "\(self.bytes.endIndex &- position) bytes follow the top-level value",
                byteOffset: self.offset(position)
            )
        }
        return value
    }

    /// Decodes a value at `position`, moving `position` past it.
    @inline(__always)
    func decodeValue<T: Decodable>(
        _ type: T.Type,
        _ position: inout Int,
        limit: Int,
        at component: @autoclosure () -> CompactPathComponent
    ) throws -> T {
        if let value = try self.readIfPrimitive(T.self, &position, limit: limit) {
            return value
        }
        return try self.decodeComposite(T.self, &position, limit: limit, at: component())
    }

    private func decodeComposite<T: Decodable>(
        _ type: T.Type,
        _ position: inout Int,
        limit: Int,
        at component: CompactPathComponent
    ) throws -> T {
        // The value's extent is known before its `init(from:)` runs, so however much of it that reads, the parent
        // continues right after it.
        let end = try self.skipValue(at: position, limit: limit)
        guard self.path.count < self.limits.maximumDepth else {
            throw CompactCodingError(
                code: .tooDeep,
                message: "values are nested more than \(self.limits.maximumDepth) levels deep",
                byteOffset: self.offset(position)
            )
        }
        self.path.append(component)
        defer { _ = self.path.popLast() }
        let value: T
        do {
            value = try T(from: CompactValueDecoder(state: self, position: position, limit: end))
        } catch {
            throw CompactCodingError.wrapping(error, at: self.codingPath)
        }
        position = end
        return value
    }

    /// Reads `T` directly if it is one of the types the format stores directly; `nil` if it is not.
    ///
    /// Compares metatypes instead of casting: the `Decoder` API calls us unspecialized, and a metatype comparison is
    /// a pointer comparison where `as?` is a runtime call.
    @inline(__always)
    private func readIfPrimitive<T: Decodable>(
        _ type: T.Type,
        _ position: inout Int,
        limit: Int
    ) throws(CompactCodingError) -> T? {
        if T.self == String.self {
            return unsafeBitCast(try self.readString(&position, limit: limit), to: T.self)
        } else if T.self == Int.self {
            return unsafeBitCast(try self.readInteger(Int.self, &position, limit: limit), to: T.self)
        } else if T.self == Double.self {
            return unsafeBitCast(try self.readDouble(&position, limit: limit), to: T.self)
        } else if T.self == Bool.self {
            return unsafeBitCast(try self.readBool(&position, limit: limit), to: T.self)
        } else if T.self == UInt64.self {
            return unsafeBitCast(try self.readInteger(UInt64.self, &position, limit: limit), to: T.self)
        } else if T.self == Int64.self {
            return unsafeBitCast(try self.readInteger(Int64.self, &position, limit: limit), to: T.self)
        } else if T.self == UInt.self {
            return unsafeBitCast(try self.readInteger(UInt.self, &position, limit: limit), to: T.self)
        } else if T.self == Int32.self {
            return unsafeBitCast(try self.readInteger(Int32.self, &position, limit: limit), to: T.self)
        } else if T.self == UInt32.self {
            return unsafeBitCast(try self.readInteger(UInt32.self, &position, limit: limit), to: T.self)
        } else if T.self == Float.self {
            return unsafeBitCast(try self.readFloat(&position, limit: limit), to: T.self)
        } else if T.self == UInt8.self {
            return unsafeBitCast(try self.readInteger(UInt8.self, &position, limit: limit), to: T.self)
        } else if T.self == Int8.self {
            return unsafeBitCast(try self.readInteger(Int8.self, &position, limit: limit), to: T.self)
        } else if T.self == UInt16.self {
            return unsafeBitCast(try self.readInteger(UInt16.self, &position, limit: limit), to: T.self)
        } else if T.self == Int16.self {
            return unsafeBitCast(try self.readInteger(Int16.self, &position, limit: limit), to: T.self)
        } else if T.self == [UInt8].self, position < limit, self.bytes[position] == CompactTag.bytes {
            // `[UInt8]` written element by element (by another encoder) takes the general path.
            return unsafeBitCast(try self.readBytes(&position, limit: limit), to: T.self)
        }
        return nil
    }

    /// Whether `type` is an `Optional`.
    func isOptional<T>(_ type: T.Type) -> Bool {
        type is any CompactOptionalMarker.Type
    }

    // MARK: Path and cursors

    /// The coding path of the value being decoded.
    var codingPath: [any CodingKey] {
        self.codingPath(prefix: self.path.count)
    }

    /// The coding path of the first `count` values being decoded.
    func codingPath(prefix count: Int) -> [any CodingKey] {
        var keys: [any CodingKey] = []
        for component in self.path.prefix(count) {
            component.append(to: &keys)
        }
        return keys
    }

    /// The current depth: the number of composite values being decoded.
    var depth: Int {
        self.path.count
    }

    /// Where to start looking for the next key in the keyed container starting at `owner`.
    @inline(__always)
    func cursor(slot: Int, owner: Int) -> Int {
        if slot < self.cursors.count, self.cursors[slot].owner == owner {
            return self.cursors[slot].position
        }
        return owner
    }

    @inline(__always)
    func setCursor(slot: Int, owner: Int, position: Int) {
        if slot < self.cursors.count {
            self.cursors[slot] = KeyedCursor(owner: owner, position: position)
            return
        }
        while self.cursors.count < slot {
            self.cursors.append(KeyedCursor(owner: -1, position: 0))
        }
        self.cursors.append(KeyedCursor(owner: owner, position: position))
    }

    // MARK: Errors

    /// The offset of `position` from the start of the input, for error messages.
    func offset(_ position: Int) -> Int {
        position &- self.bytes.startIndex
    }

    func truncated(at position: Int, _ what: String) -> CompactCodingError {
        CompactCodingError(
            code: .truncated,
            message: "the input ends inside \(what)",
            byteOffset: self.offset(position)
        )
    }

    func invalid(at position: Int, _ message: String) -> CompactCodingError {
        CompactCodingError(code: .invalidValue, message: message, byteOffset: self.offset(position))
    }

    func mismatch(at position: Int, expected: String, found tag: UInt8) -> CompactCodingError {
        if tag == CompactTag.null {
            return CompactCodingError(
                code: .valueNotFound,
                message: "expected \(expected) but found nil",
                byteOffset: self.offset(position)
            )
        }
        return CompactCodingError(
            code: .typeMismatch,
            message: "expected \(expected) but found \(CompactTag.name(tag))",
            byteOffset: self.offset(position)
        )
    }
}
