/// Fixed facts of the coordinator ↔ worker protocol that both sides must agree on.
public enum ProtocolConstants {
    /// The first four bytes of every hello frame: ASCII "FNOT". Anything else is not a Fanout peer.
    public static let magic: UInt32 = 0x464E_4F54

    /// The protocol version. A peer speaking another version is refused with both versions named.
    ///
    /// Version 3: frames after the handshake's openers carry an authentication tag on `plain` and `ssh-tunnel`,
    /// and the binary digest is checked after the run-secret proof.
    public static let version: UInt16 = 3

    /// The default hard limit on one frame's payload, in bytes. A longer frame closes its connection.
    public static let defaultMaximumFrameBytes = 16 * 1024 * 1024

    /// The hard limit on one frame's payload until the peer has proven the run secret, in bytes. Every handshake
    /// message fits easily (a hello with the longest allowed strings is under 600 bytes), so an unauthenticated
    /// peer costs at most this much buffer.
    public static let handshakeFrameLimit = 4096

    /// The longest host name a worker may claim in its hello, in bytes (a DNS name has at most 253).
    public static let maximumHostNameBytes = 255

    /// The longest worker id a worker may claim in its hello, in bytes.
    public static let maximumWorkerIDBytes = 128

    /// The longest binary digest a worker may send in its hello, in bytes (64 hex digits of SHA-256).
    public static let maximumBinaryDigestBytes = 64

    /// Length of the random nonces exchanged during authentication, in bytes.
    public static let nonceBytes = 32
}
