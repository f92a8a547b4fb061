/// Reads the one value a decoder stands for.
struct CompactSingleValueDecodingContainer: SingleValueDecodingContainer {
    let state: CompactDecodingState
    let position: Int
    let limit: Int

    var codingPath: [any CodingKey] {
        self.state.codingPath
    }

    @inline(__always)
    private func read<T>(_ read: (CompactDecodingState, inout Int) throws(CompactCodingError) -> T) throws -> T {
        var position = self.position
        do {
            return try read(self.state, &position)
        } catch {
            throw error.attaching(self.codingPath)
        }
    }

    func decodeNil() -> Bool {
        self.position < self.limit && self.state.bytes[self.position] == CompactTag.null
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        try self.read { state, position throws(CompactCodingError) in
            try state.readBool(&position, limit: self.limit)
        }
    }

    func decode(_ type: String.Type) throws -> String {
        try self.read { state, position throws(CompactCodingError) in
            try state.readString(&position, limit: self.limit)
        }
    }

    func decode(_ type: Double.Type) throws -> Double {
        try self.read { state, position throws(CompactCodingError) in
            try state.readDouble(&position, limit: self.limit)
        }
    }

    func decode(_ type: Float.Type) throws -> Float {
        try self.read { state, position throws(CompactCodingError) in
            try state.readFloat(&position, limit: self.limit)
        }
    }

    func decode(_ type: Int.Type) throws -> Int {
        try self.readInteger(type)
    }

    func decode(_ type: Int8.Type) throws -> Int8 {
        try self.readInteger(type)
    }

    func decode(_ type: Int16.Type) throws -> Int16 {
        try self.readInteger(type)
    }

    func decode(_ type: Int32.Type) throws -> Int32 {
        try self.readInteger(type)
    }

    func decode(_ type: Int64.Type) throws -> Int64 {
        try self.readInteger(type)
    }

    func decode(_ type: Int128.Type) throws -> Int128 {
        try self.read { state, position throws(CompactCodingError) in
            try state.readInteger128(type, &position, limit: self.limit)
        }
    }

    func decode(_ type: UInt.Type) throws -> UInt {
        try self.readInteger(type)
    }

    func decode(_ type: UInt8.Type) throws -> UInt8 {
        try self.readInteger(type)
    }

    func decode(_ type: UInt16.Type) throws -> UInt16 {
        try self.readInteger(type)
    }

    func decode(_ type: UInt32.Type) throws -> UInt32 {
        try self.readInteger(type)
    }

    func decode(_ type: UInt64.Type) throws -> UInt64 {
        try self.readInteger(type)
    }

    func decode(_ type: UInt128.Type) throws -> UInt128 {
        try self.read { state, position throws(CompactCodingError) in
            try state.readInteger128(type, &position, limit: self.limit)
        }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        var position = self.position
        if position < self.limit, self.state.bytes[position] == CompactTag.some {
            // The marker of an optional inside an optional; what follows is the inner optional's value.
            position &+= 1
        }
        return try self.state.decodeValue(T.self, &position, limit: self.limit, at: .none)
    }

    private func readInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try self.read { state, position throws(CompactCodingError) in
            try state.readInteger(type, &position, limit: self.limit)
        }
    }
}
