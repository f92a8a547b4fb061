/// Reads the entries of a keyed container, in any order.
///
/// Lookups start where the previous one ended (kept per depth in the decoding state), so a type that reads its fields
/// in the order they were written finds each in one step; any other order falls back to scanning the container,
/// which is cheap because every value can be skipped in constant time.
struct CompactKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: CompactDecodingState
    /// Where the first entry starts; also identifies the container.
    let start: Int
    let end: Int
    /// The decoding depth when the container was opened.
    let depth: Int
    /// The keys of the `nestedContainer` calls that led from that value to this container.
    let nestedPath: [any CodingKey]

    private var cursorSlot: Int {
        self.depth &+ self.nestedPath.count
    }

    var codingPath: [any CodingKey] {
        let path = self.state.codingPath(prefix: self.depth)
        return self.nestedPath.isEmpty ? path : path + self.nestedPath
    }

    var allKeys: [Key] {
        var keys: [Key] = []
        var position = self.start
        while position < self.end, keys.count < self.state.limits.maximumCollectionCount {
            let stored: CompactDecodingState.StoredKey
            let next: Int
            do {
                stored = try self.state.readKey(&position, limit: self.end)
                next = try self.state.skipValue(at: position, limit: self.end)
            } catch {
                // `allKeys` cannot throw: the list ends here and the payload is refused when decoding ends, so a
                // dictionary never decodes from a container whose tail is garbage.
                self.state.recordMalformedEntry(error, at: self.codingPath)
                break
            }
            if let key = self.state.makeKey(stored, as: Key.self) {
                keys.append(key)
            }
            position = next
        }
        return keys
    }

    func contains(_ key: Key) -> Bool {
        do {
            return try self.find(key) != nil
        } catch {
            // As in `allKeys`: a malformed entry is no reason to answer "absent" and decode a default.
            self.state.recordMalformedEntry(error, at: self.codingPath)
            return false
        }
    }

    /// Finds the value of `key`: from the cursor to the end, then from the start to the cursor.
    @inline(__always)
    private func find(_ key: Key) throws(CompactCodingError) -> Int? {
        let hint = self.state.cursor(slot: self.cursorSlot, owner: self.start)
        if let position = try self.scan(for: key, from: hint, to: self.end) {
            return position
        }
        if hint > self.start {
            return try self.scan(for: key, from: self.start, to: hint)
        }
        return nil
    }

    @inline(__always)
    private func scan(for key: Key, from: Int, to: Int) throws(CompactCodingError) -> Int? {
        var position = from
        while position < to {
            let stored = try self.state.readKey(&position, limit: self.end)
            if self.state.storedKey(stored, matches: key) {
                return position
            }
            position = try self.state.skipValue(at: position, limit: self.end)
        }
        return nil
    }

    private func keyNotFound(_ key: Key) -> CompactCodingError {
        CompactCodingError(code: .keyNotFound, message: "no value for key '\(key.stringValue)'")
    }

    /// The path component of the value under `key`.
    private func component(_ key: Key) -> CompactPathComponent {
        self.nestedPath.isEmpty ? .key(key) : .keys(self.nestedPath + [key])
    }

    /// Finds `key` and reads its value with `read`, moving the cursor past it.
    @inline(__always)
    private func decodeEntry<T>(_ key: Key, _ read: (inout Int) throws -> T) throws -> T {
        do {
            guard var position = try self.find(key) else {
                throw self.keyNotFound(key)
            }
            let value = try read(&position)
            self.state.setCursor(slot: self.cursorSlot, owner: self.start, position: position)
            return value
        } catch {
            throw CompactCodingError.wrapping(error, at: self.codingPath + [key])
        }
    }

    /// Like `decodeEntry`, but an absent key or a nil value gives `nil`.
    @inline(__always)
    private func decodeEntryIfPresent<T>(_ key: Key, _ read: (inout Int) throws -> T) throws -> T? {
        do {
            guard var position = try self.find(key) else {
                return nil
            }
            if try self.state.peekTag(at: position, limit: self.end) == CompactTag.null {
                self.state.setCursor(slot: self.cursorSlot, owner: self.start, position: position &+ 1)
                return nil
            }
            let value = try read(&position)
            self.state.setCursor(slot: self.cursorSlot, owner: self.start, position: position)
            return value
        } catch {
            throw CompactCodingError.wrapping(error, at: self.codingPath + [key])
        }
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        // Only looks: a `decode` of the same key usually follows, and finds the entry where the cursor still is.
        do {
            guard let position = try self.find(key) else {
                throw self.keyNotFound(key)
            }
            return try self.state.peekTag(at: position, limit: self.end) == CompactTag.null
        } catch {
            throw CompactCodingError.wrapping(error, at: self.codingPath + [key])
        }
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try self.decodeEntry(key) { try self.state.readBool(&$0, limit: self.end) }
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try self.decodeEntry(key) { try self.state.readString(&$0, limit: self.end) }
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try self.decodeEntry(key) { try self.state.readDouble(&$0, limit: self.end) }
    }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try self.decodeEntry(key) { try self.state.readFloat(&$0, limit: self.end) }
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try self.decodeInteger(type, forKey: key)
    }

    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try self.decodeInteger(type, forKey: key)
    }

    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try self.decodeInteger(type, forKey: key)
    }

    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try self.decodeInteger(type, forKey: key)
    }

    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try self.decodeInteger(type, forKey: key)
    }

    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 {
        try self.decodeEntry(key) { try self.state.readInteger128(type, &$0, limit: self.end) }
    }

    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try self.decodeInteger(type, forKey: key)
    }

    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try self.decodeInteger(type, forKey: key)
    }

    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try self.decodeInteger(type, forKey: key)
    }

    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try self.decodeInteger(type, forKey: key)
    }

    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try self.decodeInteger(type, forKey: key)
    }

    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 {
        try self.decodeEntry(key) { try self.state.readInteger128(type, &$0, limit: self.end) }
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try self.decodeEntry(key) { try self.state.decodeValue(T.self, &$0, limit: self.end, at: self.component(key)) }
    }

    @inline(__always)
    private func decodeInteger<T: FixedWidthInteger>(_ type: T.Type, forKey key: Key) throws -> T {
        try self.decodeEntry(key) { try self.state.readInteger(type, &$0, limit: self.end) }
    }

    @inline(__always)
    private func decodeIntegerIfPresent<T: FixedWidthInteger>(_ type: T.Type, forKey key: Key) throws -> T? {
        try self.decodeEntryIfPresent(key) { try self.state.readInteger(type, &$0, limit: self.end) }
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try self.decodeEntryIfPresent(key) { try self.state.readBool(&$0, limit: self.end) }
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try self.decodeEntryIfPresent(key) { try self.state.readString(&$0, limit: self.end) }
    }

    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try self.decodeEntryIfPresent(key) { try self.state.readDouble(&$0, limit: self.end) }
    }

    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        try self.decodeEntryIfPresent(key) { try self.state.readFloat(&$0, limit: self.end) }
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try self.decodeIntegerIfPresent(type, forKey: key)
    }

    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? {
        try self.decodeIntegerIfPresent(type, forKey: key)
    }

    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? {
        try self.decodeIntegerIfPresent(type, forKey: key)
    }

    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        try self.decodeIntegerIfPresent(type, forKey: key)
    }

    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try self.decodeIntegerIfPresent(type, forKey: key)
    }

    func decodeIfPresent(_ type: Int128.Type, forKey key: Key) throws -> Int128? {
        try self.decodeEntryIfPresent(key) { try self.state.readInteger128(type, &$0, limit: self.end) }
    }

    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? {
        try self.decodeIntegerIfPresent(type, forKey: key)
    }

    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? {
        try self.decodeIntegerIfPresent(type, forKey: key)
    }

    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
        try self.decodeIntegerIfPresent(type, forKey: key)
    }

    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        try self.decodeIntegerIfPresent(type, forKey: key)
    }

    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try self.decodeIntegerIfPresent(type, forKey: key)
    }

    func decodeIfPresent(_ type: UInt128.Type, forKey key: Key) throws -> UInt128? {
        try self.decodeEntryIfPresent(key) { try self.state.readInteger128(type, &$0, limit: self.end) }
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        do {
            guard var position = try self.find(key) else {
                return nil
            }
            // A nil entry is "absent" unless `T` is itself optional: `encodeIfPresent(Int??.some(nil))` writes nil,
            // and that must read back as `.some(nil)`, not `nil`.
            if try self.state.peekTag(at: position, limit: self.end) == CompactTag.null,
                !self.state.isOptional(T.self)
            {
                self.state.setCursor(slot: self.cursorSlot, owner: self.start, position: position &+ 1)
                return nil
            }
            let value = try self.state.decodeValue(T.self, &position, limit: self.end, at: self.component(key))
            self.state.setCursor(slot: self.cursorSlot, owner: self.start, position: position)
            return value
        } catch {
            throw CompactCodingError.wrapping(error, at: self.codingPath + [key])
        }
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try self.checkNestingDepth(key)
        let entries = try self.decodeEntry(key) { position in
            let entries = try self.state.openKeyed(at: position, limit: self.end)
            position = entries.end
            return entries
        }
        return KeyedDecodingContainer(
            CompactKeyedDecodingContainer<NestedKey>(
                state: self.state,
                start: entries.start,
                end: entries.end,
                depth: self.depth,
                nestedPath: self.nestedPath + [key]
            )
        )
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try self.checkNestingDepth(key)
        let elements = try self.decodeEntry(key) { position in
            let elements = try self.state.openUnkeyed(at: position, limit: self.end)
            position = elements.end
            return elements
        }
        return CompactUnkeyedDecodingContainer(
            state: self.state,
            position: elements.start,
            end: elements.end,
            elementCount: elements.count,
            depth: self.depth,
            nestedPath: self.nestedPath + [key]
        )
    }

    func superDecoder() throws -> any Decoder {
        try self.superDecoder(for: CompactCodingKey.superKey)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try self.superDecoder(for: key)
    }

    private func superDecoder<SuperKey: CodingKey>(for key: SuperKey) throws -> any Decoder {
        // Look the key up through a container of the right key type; entries do not depend on the key type.
        let container = CompactKeyedDecodingContainer<SuperKey>(
            state: self.state,
            start: self.start,
            end: self.end,
            depth: self.depth,
            nestedPath: self.nestedPath
        )
        let range = try container.decodeEntry(key) { position in
            let start = position
            position = try self.state.skipValue(at: position, limit: self.end)
            return (start, position)
        }
        return CompactValueDecoder(state: self.state, position: range.0, limit: range.1)
    }

    private func checkNestingDepth(_ key: Key) throws {
        guard self.depth &+ self.nestedPath.count < self.state.limits.maximumDepth else {
            throw CompactCodingError(
                code: .tooDeep,
                message: "containers are nested more than \(self.state.limits.maximumDepth) levels deep"
            ).attaching(self.codingPath + [key])
        }
    }
}
