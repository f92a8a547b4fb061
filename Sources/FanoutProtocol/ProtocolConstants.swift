/// Fixed facts of the coordinator ↔ worker protocol that both sides must agree on.
public enum ProtocolConstants {
    /// The first four bytes of every hello frame: ASCII "FNOT". Anything else is not a Fanout peer.
    public static let magic: UInt32 = 0x464E_4F54

    /// The protocol version. A peer speaking another version is refused with both versions named.
    public static let version: UInt16 = 2

    /// The default hard limit on one frame's payload, in bytes. A longer frame closes its connection.
    public static let defaultMaximumFrameBytes = 16 * 1024 * 1024

    /// Length of the random nonces exchanged during authentication, in bytes.
    public static let nonceBytes = 32
}
