/// The shared side of one `CompactDecoder.decode` call: the input, the limits, and the path of values being decoded.
///
/// Every read takes a position and a limit (the end of the innermost enclosing value) and checks both before it
/// touches a byte; every length is checked against the bytes left before anything is allocated for it. Positions
/// are indices into `bytes` (so they start at `bytes.startIndex`, not 0).
final class CompactDecodingState {
    let bytes: ArraySlice<UInt8>
    let limits: CompactDecoder.Limits

    // Exclusivity is unchecked on the hot properties: dynamic checks cost more than the accesses themselves, and no
    // method here touches a property while another access to it is open.

    /// The number of composite values being decoded.
    @exclusivity(unchecked) private(set) var depth = 0
    /// The path components of the values being decoded that have one, with the depth they were pushed at. Values
    /// without a key (the top-level value) have none, so a flat struct is decoded without touching this array.
    @exclusivity(unchecked) private var path: [(depth: Int, component: CompactPathComponent)] = []
    /// Per keyed-container depth: where the last lookup ended, so fields read in encoding order cost one step each.
    /// The first few depths live inline, so a small payload allocates nothing for them.
    @exclusivity(unchecked) private var cursor0 = KeyedCursor()
    @exclusivity(unchecked) private var cursor1 = KeyedCursor()
    @exclusivity(unchecked) private var cursor2 = KeyedCursor()
    @exclusivity(unchecked) private var cursor3 = KeyedCursor()
    @exclusivity(unchecked) private var deeperCursors: [KeyedCursor] = []
    /// The first malformed entry that a keyed container's `allKeys` or `contains` met. Those cannot throw, so the
    /// payload is refused when its top-level value is done instead.
    @exclusivity(unchecked) private var malformedEntry: CompactCodingError?

    private struct KeyedCursor {
        /// The start of the container the position belongs to; a hint from any other container is ignored.
        var owner = -1
        var position = 0
    }

    init(bytes: ArraySlice<UInt8>, limits: CompactDecoder.Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    // MARK: Values

    /// Decodes the top-level value, which must use up the input.
    func decodeRoot<T: Decodable>(_ type: T.Type) throws -> T {
        var position = self.bytes.startIndex
        let value = try self.decodeValue(T.self, &position, limit: self.bytes.endIndex, at: .none)
        if let malformedEntry = self.malformedEntry {
            throw malformedEntry
        }
        guard position == self.bytes.endIndex else {
            throw CompactCodingError(
                code: .trailingBytes,
                message: "\(self.bytes.endIndex &- position) bytes follow the top-level value",
                byteOffset: self.offset(position)
            )
        }
        return value
    }

    /// Decodes a value at `position`, moving `position` past it: primitives directly, anything else through its
    /// `init(from:)`.
    ///
    /// Compares metatypes instead of casting: the `Decoder` API calls us unspecialized, and a metatype comparison is
    /// a pointer comparison where `as?` is a runtime call. (Nor does it return `T?` from a helper: that needs the
    /// metadata of `Optional<T>`, another runtime call per value.)
    @inline(__always)
    func decodeValue<T: Decodable>(
        _ type: T.Type,
        _ position: inout Int,
        limit: Int,
        at component: @autoclosure () -> CompactPathComponent
    ) throws -> T {
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
        } else if ObjectIdentifier(T.self) == CompactTag.byteArrayType, position < limit,
            self.bytes[position] == CompactTag.bytes
        {
            // `[UInt8]` written element by element (by another encoder) takes the general path.
            return unsafeBitCast(try self.readBytes(&position, limit: limit), to: T.self)
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
        guard self.depth < self.limits.maximumDepth else {
            throw CompactCodingError(
                code: .tooDeep,
                message: "values are nested more than \(self.limits.maximumDepth) levels deep",
                byteOffset: self.offset(position)
            )
        }
        self.depth &+= 1
        let hasComponent: Bool
        if case .none = component {
            hasComponent = false
        } else {
            self.path.append((self.depth, component))
            hasComponent = true
        }
        defer {
            if hasComponent {
                _ = self.path.popLast()
            }
            self.depth &-= 1
        }
        let value: T
        do {
            value = try T(from: CompactValueDecoder(state: self, position: position, limit: end))
        } catch {
            throw CompactCodingError.wrapping(error, at: self.codingPath)
        }
        position = end
        return value
    }

    /// Whether `type` is an `Optional`.
    func isOptional<T>(_ type: T.Type) -> Bool {
        type is any CompactOptionalMarker.Type
    }

    // MARK: Path and cursors

    /// The coding path of the value being decoded.
    var codingPath: [any CodingKey] {
        self.codingPath(prefix: self.depth)
    }

    /// The coding path of the outermost `depth` values being decoded.
    func codingPath(prefix depth: Int) -> [any CodingKey] {
        var keys: [any CodingKey] = []
        for entry in self.path where entry.depth <= depth {
            entry.component.append(to: &keys)
        }
        return keys
    }

    /// Where to start looking for the next key in the keyed container starting at `owner`.
    @inline(__always)
    func cursor(slot: Int, owner: Int) -> Int {
        let cursor: KeyedCursor
        switch slot {
        case 0: cursor = self.cursor0
        case 1: cursor = self.cursor1
        case 2: cursor = self.cursor2
        case 3: cursor = self.cursor3
        default:
            let index = slot &- 4
            guard index < self.deeperCursors.count else { return owner }
            cursor = self.deeperCursors[index]
        }
        return cursor.owner == owner ? cursor.position : owner
    }

    @inline(__always)
    func setCursor(slot: Int, owner: Int, position: Int) {
        let cursor = KeyedCursor(owner: owner, position: position)
        switch slot {
        case 0: self.cursor0 = cursor
        case 1: self.cursor1 = cursor
        case 2: self.cursor2 = cursor
        case 3: self.cursor3 = cursor
        default:
            // Slots are bounded by the depth limit, so this array stays small.
            let index = slot &- 4
            while self.deeperCursors.count <= index {
                self.deeperCursors.append(KeyedCursor())
            }
            self.deeperCursors[index] = cursor
        }
    }

    // MARK: Errors

    /// Keeps the first error met where the `Decoder` API cannot throw, to throw it when decoding ends.
    func recordMalformedEntry(_ error: CompactCodingError, at path: @autoclosure () -> [any CodingKey]) {
        if self.malformedEntry == nil {
            self.malformedEntry = error.attaching(path())
        }
    }

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
