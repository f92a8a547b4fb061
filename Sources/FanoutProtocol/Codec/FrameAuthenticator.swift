import Crypto
import NIOCore

/// The message authentication code of one direction of a connection: HMAC-SHA256 over an implicit 64-bit sequence
/// number and the frame's payload, truncated to ``tagBytes``.
///
/// The sequence number is never sent: each side counts the frames of the direction, so a frame that an on-path
/// machine replays, drops, reorders or edits fails the check of the frame it lands on, and nothing else is needed
/// on the wire. Each direction has its own key, so a frame cannot be reflected back to its sender either.
///
/// The tag is truncated to 16 bytes (128 bits): a forger gets one guess per connection (a bad tag closes it), so the
/// chance of success is 2⁻¹²⁸ per connection, far beyond reach; the full 32 bytes would buy nothing and cost
/// 16 bytes a frame. RFC 2104 §5 allows truncation to half the hash length.
struct FrameAuthenticator {
    /// Bytes of tag after each authenticated frame's payload.
    static let tagBytes = 16

    /// The keyed HMAC before any data: copied for each frame, so the key schedule is computed once.
    private let keyed: HMAC<SHA256>
    /// The sequence number of the next frame.
    private(set) var sequence: UInt64 = 0

    /// Creates the authenticator of one direction.
    /// - Parameter key: The direction's key (see ``WireSession``).
    init(key: SymmetricKey) {
        self.keyed = HMAC<SHA256>(key: key)
    }

    /// Computes the tag of the next frame and advances the sequence number.
    /// - Parameter payload: The frame's payload, without length prefix and tag.
    /// - Returns: ``tagBytes`` bytes.
    /// - Throws: ``ProtocolError`` once 2⁶⁴ − 1 frames have gone (a sequence number is never reused).
    mutating func nextTag(for payload: ByteBufferView) throws(ProtocolError) -> [UInt8] {
        guard self.sequence < UInt64.max else {
            throw ProtocolError(.authenticationFailed, "frame sequence number exhausted; reconnect")
        }
        var mac = self.keyed
        withUnsafeBytes(of: self.sequence.bigEndian) { mac.update(data: $0) }
        payload.withUnsafeBytes { mac.update(data: $0) }
        self.sequence += 1
        return Array(mac.finalize().prefix(Self.tagBytes))
    }

    /// Checks the tag of the next frame in constant time and advances the sequence number.
    /// - Parameters:
    ///   - tag: The tag that came with the frame.
    ///   - payload: The frame's payload.
    /// - Returns: Whether the tag is the one expected for this frame at this position.
    /// - Throws: ``ProtocolError`` once 2⁶⁴ − 1 frames have gone.
    mutating func verify(_ tag: ByteBufferView, for payload: ByteBufferView) throws(ProtocolError) -> Bool {
        let expected = try self.nextTag(for: payload)
        guard tag.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (expectedByte, byte) in zip(expected, tag) {
            difference |= expectedByte ^ byte
        }
        return difference == 0
    }
}
