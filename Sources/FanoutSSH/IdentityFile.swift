#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// What can be learnt about a private key file without its passphrase, to explain authentication failures.
struct IdentityFile {
    /// The expanded path of the private key.
    let path: String
    /// The companion `.pub` file, if it exists (libssh2 then need not derive the public key).
    let publicKeyPath: String?
    /// Whether the file could be read at all.
    let exists: Bool
    /// Whether the key needs a passphrase, which fanout never asks for.
    let isEncrypted: Bool
    /// Whether it is an RSA key, which Debian 12's libssh2 can only sign with SHA-1.
    let isRSA: Bool

    /// Inspects a key file.
    ///
    /// - Parameter configuredPath: The path as configured; `~` is expanded.
    init(configuredPath: String) {
        let path = PathExpansion.expandingTilde(configuredPath)
        self.path = path
        let publicKeyPath = path + ".pub"
        let publicKey = try? String(contentsOfFile: publicKeyPath, encoding: .utf8)
        self.publicKeyPath = publicKey == nil ? nil : publicKeyPath
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            self.exists = FileManager.default.fileExists(atPath: path)
            self.isEncrypted = false
            self.isRSA = publicKey?.hasPrefix("ssh-rsa") ?? false
            return
        }
        self.exists = true
        if contents.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            let header = Self.openSSHHeader(contents)
            self.isEncrypted = header.map { $0.cipher != "none" } ?? false
            self.isRSA = header?.keyType == "ssh-rsa" || (publicKey?.hasPrefix("ssh-rsa") ?? false)
        } else {
            self.isEncrypted = contents.contains("ENCRYPTED")
            self.isRSA = contents.contains("BEGIN RSA PRIVATE KEY") || (publicKey?.hasPrefix("ssh-rsa") ?? false)
        }
    }

    /// Reads the cipher and key type from the unencrypted header of an `openssh-key-v1` file.
    private static func openSSHHeader(_ contents: String) -> (cipher: String, keyType: String)? {
        let base64 = contents.split(separator: "\n")
            .filter { !$0.hasPrefix("-----") }
            .joined()
        guard let data = Data(base64Encoded: base64) else { return nil }
        var reader = SSHWireReader(bytes: [UInt8](data))
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard reader.readBytes(magic.count) == magic,
            let cipher = reader.readString(),
            reader.readString() != nil,  // KDF name
            reader.readString() != nil,  // KDF options
            reader.readUInt32() != nil,  // number of keys
            let publicKeyBlob = reader.readString()
        else { return nil }
        var publicKeyReader = SSHWireReader(bytes: publicKeyBlob)
        let keyType = publicKeyReader.readString().map { String(decoding: $0, as: UTF8.self) } ?? ""
        return (String(decoding: cipher, as: UTF8.self), keyType)
    }
}
