internal import CLibSSH2

/// Checks a server's host key against an OpenSSH `known_hosts` file with libssh2's knownhost API, which
/// understands plain, hashed (`|1|…`) and `[host]:port` entries.
struct KnownHostsVerifier {
    /// The outcome of a check.
    enum Verdict: Equatable {
        case match
        case unknown
        case changed
    }

    /// The key types libssh2 can negotiate, with their names and knownhost type bits, in no particular order.
    static let keyTypes: [(libssh2Type: Int32, name: String, knownHostMask: Int32)] = [
        (LIBSSH2_HOSTKEY_TYPE_ED25519, "ssh-ed25519", fanout_libssh2_knownhost_key_ed25519()),
        (LIBSSH2_HOSTKEY_TYPE_ECDSA_256, "ecdsa-sha2-nistp256", fanout_libssh2_knownhost_key_ecdsa_256()),
        (LIBSSH2_HOSTKEY_TYPE_ECDSA_384, "ecdsa-sha2-nistp384", fanout_libssh2_knownhost_key_ecdsa_384()),
        (LIBSSH2_HOSTKEY_TYPE_ECDSA_521, "ecdsa-sha2-nistp521", fanout_libssh2_knownhost_key_ecdsa_521()),
        (LIBSSH2_HOSTKEY_TYPE_RSA, "ssh-rsa", fanout_libssh2_knownhost_key_sshrsa()),
        (LIBSSH2_HOSTKEY_TYPE_DSS, "ssh-dss", fanout_libssh2_knownhost_key_sshdss()),
    ]

    let host: String
    let port: Int
    /// The expanded path of the file.
    let path: String

    /// Runs `body` with the file loaded into a libssh2 knownhost collection that is freed afterwards.
    ///
    /// A missing or unreadable file loads as "no known hosts".
    private func withKnownHosts<R>(session: OpaquePointer, _ body: (OpaquePointer) -> R) -> R? {
        guard let hosts = libssh2_knownhost_init(session) else { return nil }
        defer { libssh2_knownhost_free(hosts) }
        _ = libssh2_knownhost_readfile(hosts, self.path, LIBSSH2_KNOWNHOST_FILE_OPENSSH)
        return body(hosts)
    }

    /// The host key algorithm names that `known_hosts` has some key for, for this host.
    ///
    /// libssh2 compares only keys of the negotiated type, so a host known only by its ed25519 key would look
    /// unknown if ECDSA were negotiated (libssh2's default preference). OpenSSH avoids that by preferring the
    /// known types; this finds them by checking a dummy key of each type: "mismatch" means an entry exists.
    ///
    /// - Parameter session: The libssh2 session (for its allocator).
    /// - Returns: Algorithm names, most preferred first.
    func knownKeyTypeNames(session: OpaquePointer) -> [String] {
        self.withKnownHosts(session: session) { hosts in
            var dummy: [CChar] = [0]
            return Self.keyTypes.compactMap { keyType in
                let mask =
                    fanout_libssh2_knownhost_type_plain() | fanout_libssh2_knownhost_keyenc_raw()
                    | keyType.knownHostMask
                let result = libssh2_knownhost_checkp(hosts, self.host, Int32(self.port), &dummy, 1, mask, nil)
                return result == LIBSSH2_KNOWNHOST_CHECK_MISMATCH ? keyType.name : nil
            }
        } ?? []
    }

    /// Checks the key the server presented.
    ///
    /// - Parameters:
    ///   - session: The libssh2 session after the handshake.
    ///   - key: The raw host key blob.
    ///   - libssh2Type: The `LIBSSH2_HOSTKEY_TYPE_*` of the key.
    /// - Returns: The verdict; `unknown` also when libssh2 cannot check at all.
    func verify(session: OpaquePointer, key: [UInt8], libssh2Type: Int32) -> Verdict {
        guard let keyType = Self.keyTypes.first(where: { $0.libssh2Type == libssh2Type }) else { return .unknown }
        return self.withKnownHosts(session: session) { hosts in
            let mask =
                fanout_libssh2_knownhost_type_plain() | fanout_libssh2_knownhost_keyenc_raw()
                | keyType.knownHostMask
            let result = key.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { characters in
                    libssh2_knownhost_checkp(
                        hosts,
                        self.host,
                        Int32(self.port),
                        characters.baseAddress,
                        characters.count,
                        mask,
                        nil
                    )
                }
            }
            switch result {
            case LIBSSH2_KNOWNHOST_CHECK_MATCH: return Verdict.match
            case LIBSSH2_KNOWNHOST_CHECK_MISMATCH: return Verdict.changed
            default: return Verdict.unknown
            }
        } ?? .unknown
    }
}
