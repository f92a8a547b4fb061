/// The `Decoder` handed to a value's `init(from:)`: the value's position in the input and where it ends.
///
/// Three words, so passing it as `any Decoder` needs no allocation.
struct CompactValueDecoder: Decoder {
    let state: CompactDecodingState
    let position: Int
    let limit: Int

    var codingPath: [any CodingKey] {
        self.state.codingPath
    }

    var userInfo: [CodingUserInfoKey: Any] {
        [:]
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let entries = try self.state.openKeyed(at: self.position, limit: self.limit)
        return KeyedDecodingContainer(
            CompactKeyedDecodingContainer<Key>(
                state: self.state,
                start: entries.start,
                end: entries.end,
                depth: self.state.depth,
                nestedPath: []
            )
        )
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let elements = try self.state.openUnkeyed(at: self.position, limit: self.limit)
        return CompactUnkeyedDecodingContainer(
            state: self.state,
            position: elements.start,
            end: elements.end,
            elementCount: elements.count,
            depth: self.state.depth,
            nestedPath: []
        )
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        CompactSingleValueDecodingContainer(state: self.state, position: self.position, limit: self.limit)
    }
}
