import Foundation

/// Host and client keys for the test sshd, generated once per test process (RSA generation is slow).
struct TestKeys: Sendable {
    /// Directory holding every key.
    let directory: String

    var hostEd25519: String { self.directory + "/ssh_host_ed25519_key" }
    var hostECDSA: String { self.directory + "/ssh_host_ecdsa_key" }
    var hostRSA: String { self.directory + "/ssh_host_rsa_key" }
    /// An ed25519 key no server uses, for "the host key has changed".
    var otherHostEd25519: String { self.directory + "/other_host_ed25519_key" }

    var clientEd25519: String { self.directory + "/id_ed25519" }
    var clientECDSA: String { self.directory + "/id_ecdsa" }
    var clientRSA: String { self.directory + "/id_rsa" }
    /// Authorized, but protected by the passphrase "secret".
    var clientEncrypted: String { self.directory + "/id_encrypted" }
    /// Not in authorized_keys.
    var clientUnauthorized: String { self.directory + "/unauthorized_ed25519" }

    /// The authorized_keys file listing every client key except the unauthorized one.
    var authorizedKeys: String { self.directory + "/authorized_keys" }

    /// The keys, generated on first use.
    static let shared: Result<TestKeys, any Error> = Result { try TestKeys.generate() }

    private static func generate() throws -> TestKeys {
        // Swift Testing has no process-wide teardown, so each run removes the key directories of finished runs.
        let temporary = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        where name.hasPrefix("fanout-ssh-keys-") {
            if let pid = Int32(name.dropFirst("fanout-ssh-keys-".count)), kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(atPath: temporary + name)
            }
        }
        let directory = temporary + "fanout-ssh-keys-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keys = TestKeys(directory: directory)
        let generate: [(String, [String])] = [
            (keys.hostEd25519, ["-t", "ed25519"]),
            (keys.hostECDSA, ["-t", "ecdsa", "-b", "256"]),
            (keys.hostRSA, ["-t", "rsa", "-b", "2048"]),
            (keys.otherHostEd25519, ["-t", "ed25519"]),
            (keys.clientEd25519, ["-t", "ed25519"]),
            (keys.clientECDSA, ["-t", "ecdsa", "-b", "256"]),
            (keys.clientRSA, ["-t", "rsa", "-b", "2048"]),
            (keys.clientUnauthorized, ["-t", "ed25519"]),
        ]
        for (path, type) in generate {
            try ShellCommand.check("/usr/bin/ssh-keygen", ["-q", "-N", "", "-C", "fanout-test"] + type + ["-f", path])
        }
        try ShellCommand.check(
            "/usr/bin/ssh-keygen",
            ["-q", "-N", "secret", "-C", "fanout-test", "-t", "ed25519", "-f", keys.clientEncrypted]
        )
        let authorized = try [keys.clientEd25519, keys.clientECDSA, keys.clientRSA, keys.clientEncrypted]
            .map { try String(contentsOfFile: $0 + ".pub", encoding: .utf8) }
            .joined()
        try authorized.write(toFile: keys.authorizedKeys, atomically: true, encoding: .utf8)
        return keys
    }

    /// The `type base64` part of a public key file.
    ///
    /// - Parameter privateKeyPath: The private key; its `.pub` is read.
    /// - Returns: For example `ssh-ed25519 AAAAC3…`.
    static func publicKey(_ privateKeyPath: String) throws -> String {
        let line = try String(contentsOfFile: privateKeyPath + ".pub", encoding: .utf8)
        return line.split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// The fingerprint exactly as `ssh-keygen -lf` prints it.
    ///
    /// - Parameter privateKeyPath: The private key; its `.pub` is read.
    /// - Returns: For example `SHA256:abc…`.
    static func fingerprint(_ privateKeyPath: String) throws -> String {
        let output = try ShellCommand.check("/usr/bin/ssh-keygen", ["-lf", privateKeyPath + ".pub"])
        return String(output.split(separator: " ")[1])
    }
}
