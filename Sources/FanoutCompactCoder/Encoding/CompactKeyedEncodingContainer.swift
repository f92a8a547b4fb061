/// Writes the entries of a keyed container: each is a key followed by a value.
struct CompactKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: CompactEncodingState
    let frameID: Int

    var codingPath: [any CodingKey] {
        self.state.codingPath(through: self.frameID)
    }

    /// Writes the key, then lets `write` write the value; a failure removes the half-written entry.
    @inline(__always)
    private func writeEntry(_ key: Key, _ write: (CompactEncodingState) throws -> Void) throws {
        try self.state.prepareWrite(into: self.frameID)
        let mark = self.state.mark
        self.state.writeKey(key)
        do {
            try write(self.state)
        } catch {
            self.state.rollBack(to: mark)
            throw CompactCodingError.wrapping(error, at: self.codingPath + [key])
        }
    }

    /// Writes a primitive entry, which cannot fail once the container is known to be open.
    @inline(__always)
    private func writePrimitiveEntry(_ key: Key, _ write: (CompactEncodingState) -> Void) throws {
        try self.state.prepareWrite(into: self.frameID)
        self.state.writeKey(key)
        write(self.state)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeNil() }
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeBool(value) }
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeString(value) }
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeDouble(value) }
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeFloat(value) }
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int8, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int16, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int32, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int64, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeSigned(value) }
    }

    mutating func encode(_ value: Int128, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeSigned128(value) }
    }

    mutating func encode(_ value: UInt, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt8, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeUnsigned(value) }
    }

    mutating func encode(_ value: UInt128, forKey key: Key) throws {
        try self.writePrimitiveEntry(key) { $0.writeUnsigned128(value) }
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try self.writeEntry(key) { try $0.encodeValue(value, at: .key(key)) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let frameID = self.state.openNestedContainer(in: self.frameID, key: key, kind: .keyed)
        return KeyedEncodingContainer(CompactKeyedEncodingContainer<NestedKey>(state: self.state, frameID: frameID))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let frameID = self.state.openNestedContainer(in: self.frameID, key: key, kind: .unkeyed)
        return CompactUnkeyedEncodingContainer(state: self.state, frameID: frameID)
    }

    mutating func superEncoder() -> any Encoder {
        let slotID = self.state.openNestedSlot(in: self.frameID, key: CompactCodingKey.superKey)
        return CompactValueEncoder(state: self.state, slotID: slotID)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let slotID = self.state.openNestedSlot(in: self.frameID, key: key)
        return CompactValueEncoder(state: self.state, slotID: slotID)
    }
}
