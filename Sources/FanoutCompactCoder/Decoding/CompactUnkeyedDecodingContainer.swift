/// Reads the elements of an unkeyed container in order.
struct CompactUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let state: CompactDecodingState
    /// Where the next element starts.
    private(set) var position: Int
    let end: Int
    /// The element count from the header, already checked against the byte length and the collection limit.
    let elementCount: Int
    /// The decoding depth when the container was opened.
    let depth: Int
    /// The keys of the `nestedContainer` calls that led from that value to this container.
    let nestedPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(
        state: CompactDecodingState,
        position: Int,
        end: Int,
        elementCount: Int,
        depth: Int,
        nestedPath: [any CodingKey]
    ) {
        self.state = state
        self.position = position
        self.end = end
        self.elementCount = elementCount
        self.depth = depth
        self.nestedPath = nestedPath
    }

    var codingPath: [any CodingKey] {
        let path = self.state.codingPath(prefix: self.depth)
        return self.nestedPath.isEmpty ? path : path + self.nestedPath
    }

    var count: Int? {
        self.elementCount
    }

    var isAtEnd: Bool {
        self.currentIndex >= self.elementCount
    }

    private var indexKey: CompactCodingKey {
        CompactCodingKey(index: self.currentIndex)
    }

    /// The path component of the current element.
    private var component: CompactPathComponent {
        self.nestedPath.isEmpty ? .index(self.currentIndex) : .keys(self.nestedPath + [self.indexKey])
    }

    /// Reads the current element with `read` and moves on to the next one.
    @inline(__always)
    private mutating func decodeElement<T>(
        _ read: (CompactDecodingState, inout Int, Int) throws -> T
    ) throws -> T {
        do {
            guard !self.isAtEnd else {
                throw self.noMoreElements
            }
            var position = self.position
            let value = try read(self.state, &position, self.end)
            self.position = position
            self.currentIndex &+= 1
            return value
        } catch {
            throw CompactCodingError.wrapping(error, at: self.codingPath + [self.indexKey])
        }
    }

    private var noMoreElements: CompactCodingError {
        CompactCodingError(
            code: .valueNotFound,
            message: "the unkeyed container has no more elements (it has \(self.elementCount))"
        )
    }

    mutating func decodeNil() throws -> Bool {
        do {
            guard !self.isAtEnd else {
                throw self.noMoreElements
            }
            // Only a nil is consumed; anything else is left for the `decode` that follows.
            guard try self.state.peekTag(at: self.position, limit: self.end) == CompactTag.null else {
                return false
            }
        } catch {
            throw CompactCodingError.wrapping(error, at: self.codingPath + [self.indexKey])
        }
        self.position &+= 1
        self.currentIndex &+= 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        try self.decodeElement { try $0.readBool(&$1, limit: $2) }
    }

    mutating func decode(_ type: String.Type) throws -> String {
        try self.decodeElement { try $0.readString(&$1, limit: $2) }
    }

    mutating func decode(_ type: Double.Type) throws -> Double {
        try self.decodeElement { try $0.readDouble(&$1, limit: $2) }
    }

    mutating func decode(_ type: Float.Type) throws -> Float {
        try self.decodeElement { try $0.readFloat(&$1, limit: $2) }
    }

    mutating func decode(_ type: Int.Type) throws -> Int {
        try self.decodeInteger(type)
    }

    mutating func decode(_ type: Int8.Type) throws -> Int8 {
        try self.decodeInteger(type)
    }

    mutating func decode(_ type: Int16.Type) throws -> Int16 {
        try self.decodeInteger(type)
    }

    mutating func decode(_ type: Int32.Type) throws -> Int32 {
        try self.decodeInteger(type)
    }

    mutating func decode(_ type: Int64.Type) throws -> Int64 {
        try self.decodeInteger(type)
    }

    mutating func decode(_ type: Int128.Type) throws -> Int128 {
        try self.decodeElement { try $0.readInteger128(type, &$1, limit: $2) }
    }

    mutating func decode(_ type: UInt.Type) throws -> UInt {
        try self.decodeInteger(type)
    }

    mutating func decode(_ type: UInt8.Type) throws -> UInt8 {
        try self.decodeInteger(type)
    }

    mutating func decode(_ type: UInt16.Type) throws -> UInt16 {
        try self.decodeInteger(type)
    }

    mutating func decode(_ type: UInt32.Type) throws -> UInt32 {
        try self.decodeInteger(type)
    }

    mutating func decode(_ type: UInt64.Type) throws -> UInt64 {
        try self.decodeInteger(type)
    }

    mutating func decode(_ type: UInt128.Type) throws -> UInt128 {
        try self.decodeElement { try $0.readInteger128(type, &$1, limit: $2) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let component = self.component
        return try self.decodeElement { try $0.decodeValue(T.self, &$1, limit: $2, at: component) }
    }

    @inline(__always)
    private mutating func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try self.decodeElement { try $0.readInteger(type, &$1, limit: $2) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try self.checkNestingDepth()
        let nestedPath = self.nestedPath + [self.indexKey]
        let entries = try self.decodeElement { state, position, end in
            let entries = try state.openKeyed(at: position, limit: end)
            position = entries.end
            return entries
        }
        return KeyedDecodingContainer(
            CompactKeyedDecodingContainer<NestedKey>(
                state: self.state,
                start: entries.start,
                end: entries.end,
                depth: self.depth,
                nestedPath: nestedPath
            )
        )
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try self.checkNestingDepth()
        let nestedPath = self.nestedPath + [self.indexKey]
        let elements = try self.decodeElement { state, position, end in
            let elements = try state.openUnkeyed(at: position, limit: end)
            position = elements.end
            return elements
        }
        return CompactUnkeyedDecodingContainer(
            state: self.state,
            position: elements.start,
            end: elements.end,
            elementCount: elements.count,
            depth: self.depth,
            nestedPath: nestedPath
        )
    }

    mutating func superDecoder() throws -> any Decoder {
        let range = try self.decodeElement { state, position, end in
            let start = position
            position = try state.skipValue(at: position, limit: end)
            return (start, position)
        }
        return CompactValueDecoder(state: self.state, position: range.0, limit: range.1)
    }

    private func checkNestingDepth() throws {
        guard self.depth &+ self.nestedPath.count < self.state.limits.maximumDepth else {
            throw CompactCodingError(
                code: .tooDeep,
                message: "containers are nested more than \(self.state.limits.maximumDepth) levels deep"
            ).attaching(self.codingPath + [self.indexKey])
        }
    }
}
