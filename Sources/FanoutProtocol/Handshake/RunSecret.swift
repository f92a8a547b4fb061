import Crypto

/// The per-run random secret both sides prove they know before any task flows.
///
/// It reaches a worker through its standard input (local pipe or SSH channel), never through argv or the
/// environment, where other users of the host could read it.
public struct RunSecret: Sendable, Equatable {
    /// The raw key bytes.
    public let bytes: [UInt8]

    /// Creates a secret from raw bytes. ``random()`` makes 32; fewer than 16 would make a weak secret.
    /// - Parameter bytes: The key bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Makes a fresh 32-byte random secret.
    /// - Returns: The secret.
    public static func random() -> RunSecret {
        var generator = SystemRandomNumberGenerator()
        return RunSecret(bytes: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The secret as lower-case hex, the form written to a worker's standard input.
    public var hexEncoded: String { Hex.encode(self.bytes) }

    /// Parses the hex form.
    /// - Parameter hex: Lower- or upper-case hex, surrounding white space ignored.
    /// - Returns: The secret, or `nil` if the text is not hex or is shorter than 16 bytes.
    public init?(hexEncoded hex: some StringProtocol) {
        guard let bytes = Hex.decode(hex.trimmingWhitespace()), bytes.count >= 16 else { return nil }
        self.bytes = bytes
    }

    /// Random nonce bytes for one handshake.
    public static func nonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<ProtocolConstants.nonceBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The proof one side sends: HMAC-SHA256(secret, label ‖ first nonce ‖ second nonce).
    ///
    /// The label differs for coordinator and worker so that a proof cannot be reflected back to its sender.
    /// - Parameters:
    ///   - role: Who is proving.
    ///   - first: The nonce of the side being answered.
    ///   - second: The other nonce.
    /// - Returns: 32 bytes.
    public func proof(for role: Role, answering first: [UInt8], with second: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: self.bytes))
        hmac.update(data: Array(role.rawValue.utf8))
        hmac.update(data: first)
        hmac.update(data: second)
        return Array(hmac.finalize())
    }

    /// Checks a proof in constant time.
    /// - Returns: `true` when `proof` is what ``proof(for:answering:with:)`` gives.
    public func verify(_ proof: [UInt8], for role: Role, answering first: [UInt8], with second: [UInt8]) -> Bool {
        let expected = self.proof(for: role, answering: first, with: second)
        guard proof.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices {
            difference |= expected[index] ^ proof[index]
        }
        return difference == 0
    }

    /// The two roles of the handshake.
    public enum Role: String, Sendable {
        /// The coordinator proves itself to a worker.
        case coordinator = "fanout-coordinator-v1"
        /// A worker proves itself to the coordinator.
        case worker = "fanout-worker-v1"
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        let start = self.firstIndex { !isSpace($0) } ?? self.endIndex
        let end = self.lastIndex { !isSpace($0) }.map { self.index(after: $0) } ?? start
        return Substring(self[start..<Swift.max(start, end)])
    }
}
