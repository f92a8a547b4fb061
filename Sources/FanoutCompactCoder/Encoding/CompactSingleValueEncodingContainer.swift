/// Writes the one value of a slot whose encoder asked for a single value container.
struct CompactSingleValueEncodingContainer: SingleValueEncodingContainer {
    let state: CompactEncodingState
    let slotID: Int

    var codingPath: [any CodingKey] {
        self.state.codingPath(through: self.slotID)
    }

    @inline(__always)
    private mutating func write(_ write: (CompactEncodingState) -> Void) throws {
        try self.state.beginSingleValue(inSlot: self.slotID)
        write(self.state)
    }

    mutating func encodeNil() throws {
        try self.write { $0.writeNil() }
    }

    mutating func encode(_ value: Bool) throws {
        try self.write { $0.writeBool(value) }
    }

    mutating func encode(_ value: String) throws {
        try self.write { $0.writeString(value) }
    }

    mutating func encode(_ value: Double) throws {
        try self.write { $0.writeDouble(value) }
    }

    mutating func encode(_ value: Float) throws {
        try self.write { $0.writeFloat(value) }
    }

    mutating func encode(_ value: Int) throws {
        try self.write { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int8) throws {
        try self.write { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int16) throws {
        try self.write { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int32) throws {
        try self.write { $0.writeSigned(Int64(value)) }
    }

    mutating func encode(_ value: Int64) throws {
        try self.write { $0.writeSigned(value) }
    }

    mutating func encode(_ value: Int128) throws {
        try self.write { $0.writeSigned128(value) }
    }

    mutating func encode(_ value: UInt) throws {
        try self.write { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt8) throws {
        try self.write { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt16) throws {
        try self.write { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt32) throws {
        try self.write { $0.writeUnsigned(UInt64(value)) }
    }

    mutating func encode(_ value: UInt64) throws {
        try self.write { $0.writeUnsigned(value) }
    }

    mutating func encode(_ value: UInt128) throws {
        try self.write { $0.writeUnsigned128(value) }
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try self.state.beginSingleValue(inSlot: self.slotID)
        if self.state.writeIfPrimitive(value) {
            return
        }
        let mark = self.state.mark
        do {
            if self.state.isOptional(T.self) {
                // `Optional.encode(to:)` lands here only for an optional inside an optional: mark the outer one
                // present, or `Int??.some(nil)` would read back as `nil`.
                self.state.bytes.append(CompactTag.some)
            }
            try self.state.encodeValue(value, at: .none)
        } catch {
            self.state.rollBack(to: mark)
            self.state.releaseSingleValue(inSlot: self.slotID)
            throw error
        }
    }
}
