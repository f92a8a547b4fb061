/// A server's public host key as presented during the SSH handshake.
public struct SSHHostKey: Sendable, Equatable {
    /// The OpenSSH key type name: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …
    public var type: String
    /// The public key blob in standard, padded base64, as it appears in `known_hosts`.
    public var base64: String
    /// `SHA256:` followed by the unpadded base64 SHA-256 of the key blob, exactly as `ssh-keygen -l` prints it.
    public var fingerprintSHA256: String

    /// Creates a host key description.
    ///
    /// - Parameters:
    ///   - type: The OpenSSH key type name.
    ///   - base64: The public key blob in padded base64.
    ///   - fingerprintSHA256: The OpenSSH-style SHA-256 fingerprint.
    public init(type: String, base64: String, fingerprintSHA256: String) {
        self.type = type
        self.base64 = base64
        self.fingerprintSHA256 = fingerprintSHA256
    }
}
