/// The `Encoder` handed to a value's `encode(to:)`: a handle on one value slot of a ``CompactEncodingState``.
///
/// Two words, so passing it as `any Encoder` needs no allocation.
struct CompactValueEncoder: Encoder {
    let state: CompactEncodingState
    let slotID: Int

    var codingPath: [any CodingKey] {
        self.state.codingPath(through: self.slotID)
    }

    var userInfo: [CodingUserInfoKey: Any] {
        [:]
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let frameID = self.state.openContainer(forSlot: self.slotID, kind: .keyed)
        return KeyedEncodingContainer(CompactKeyedEncodingContainer<Key>(state: self.state, frameID: frameID))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let frameID = self.state.openContainer(forSlot: self.slotID, kind: .unkeyed)
        return CompactUnkeyedEncodingContainer(state: self.state, frameID: frameID)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        CompactSingleValueEncodingContainer(state: self.state, slotID: self.slotID)
    }
}
