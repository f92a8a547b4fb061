/// A stable 64-bit fingerprint of one encoded input (FNV-1a), the same in every process and on every machine, so a
/// journal can tell whether the input at an index is still the input whose result it recorded.
enum InputDigest {
    /// The fingerprint of `bytes`.
    static func of(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
