/// Writes the elements of an unkeyed container, one value after another.
struct CompactUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let state: CompactEncodingState
    let frameID: Int

    var codingPath: [any CodingKey] {
        self.state.codingPath(through: self.frameID)
    }

    var count: Int {
        self.state.elementCount(of: self.frameID) ?? 0
    }

    /// Writes one element with `write`; a failure removes the half-written element.
    @inline(__always)
    private mutating func writeElement(_ write: (CompactEncodingState) throws -> Void) throws {
        try self.state.prepareWrite(into: self.frameID)
        let mark = self.state.mark
        do {
            try write(self.state)
        } catch {
            self.state.rollBack(to: mark)
            throw CompactCodingError.wrapping(error, at: self.codingPath + [CompactCodingKey(index: self.count)])
        }
        self.state.countElement(in: self.frameID)
    }

    @inline(__always)
    private mutating func writePrimitiveElement(_ write: (CompactEncodingState) -> Void) throws {
        try self.state.prepareWrite(into: self.frameID)
        write(self.state)
        self.state.countElement(in: self.frameID)
    }

    mutating func encodeNil() throws {
        try self.writePrimitiveElement { $0.writeNil() }
    }

    mutating func encode(_ value: Bool) throws {
        try self.writePrimitiveElement { $0.writeBool(value) }
    }

    mutating func encode(_ value: String) throws {
        try self.writePrimitiveElement { $0.writeString(value) }
    }

    mutating func encode(_ value: Double) throws {
        try self.writePrimitiveElement { $0.writeDouble(value) }
    }

    mutating func encode(_ value: Float) throws {
        try self.writePrimitiveElement { $0.writeFloat(value) }
    }

    mutating func encode(_ value: Int) throws {
        try self.writePrimitiveElement { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int8) throws {
        try self.writePrimitiveElement { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int16) throws {
        try self.writePrimitiveElement { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int32) throws {
        try self.writePrimitiveElement { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int64) throws {
        try self.writePrimitiveElement { $0.writeSigned(value) }
    }

    mutating func encode(_ value: Int128) throws {
        try self.writePrimitiveElement { $0.writeSigned128(value) }
    }

    mutating func encode(_ value: UInt) throws {
        try self.writePrimitiveElement { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt8) throws {
        try self.writePrimitiveElement { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt16) throws {
        try self.writePrimitiveElement { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt32) throws {
        try self.writePrimitiveElement { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt64) throws {
        try self.writePrimitiveElement { $0.writeUnsigned(value) }
    }

    mutating func encode(_ value: UInt128) throws {
        try self.writePrimitiveElement { $0.writeUnsigned128(value) }
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = self.count
        try self.writeElement { try $0.encodeValue(value, at: .index(index)) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let frameID = self.state.openNestedContainer(in: self.frameID, key: CompactCodingKey?.none, kind: .keyed)
        return KeyedEncodingContainer(CompactKeyedEncodingContainer<NestedKey>(state: self.state, frameID: frameID))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let frameID = self.state.openNestedContainer(in: self.frameID, key: CompactCodingKey?.none, kind: .unkeyed)
        return CompactUnkeyedEncodingContainer(state: self.state, frameID: frameID)
    }

    mutating func superEncoder() -> any Encoder {
        let slotID = self.state.openNestedSlot(in: self.frameID, key: CompactCodingKey?.none)
        return CompactValueEncoder(state: self.state, slotID: slotID)
    }
}
