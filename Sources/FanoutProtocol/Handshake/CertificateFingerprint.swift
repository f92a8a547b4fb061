import Crypto

/// The SHA-256 of a certificate's DER encoding: how a worker recognises its coordinator's per-run certificate.
///
/// The coordinator hands it to each worker over the channel that already carries the run secret (the local pipe or
/// the SSH session), so the worker needs no certificate authority and no host name: it pins this value.
public struct CertificateFingerprint: Sendable, Hashable, CustomStringConvertible {
    /// The number of bytes in a fingerprint (SHA-256).
    public static let byteCount = 32

    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Fingerprints a certificate.
    /// - Parameter derEncodedCertificate: The certificate exactly as sent on the wire, in DER.
    public init(derEncodedCertificate: some Sequence<UInt8>) {
        self.bytes = Array(SHA256.hash(data: Array(derEncodedCertificate)))
    }

    /// Parses the hex form.
    /// - Parameter hex: 64 hex digits, lower- or upper-case.
    /// - Returns: The fingerprint, or `nil` when the text is not exactly 32 bytes of hex.
    public init?(hexEncoded hex: some StringProtocol) {
        guard let bytes = Hex.decode(hex), bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// Lower-case hex, the form handed to workers and shown in messages.
    public var hexEncoded: String { Hex.encode(self.bytes) }

    /// `sha256 <hex>`.
    public var description: String { "sha256 \(self.hexEncoded)" }
}
