internal import CLibSSH2

/// Checks a server's host key against an OpenSSH `known_hosts` file during the handshake: the file is read line
/// by line (``KnownHostsDocument``), libssh2 matches host names one line at a time, `@revoked` keys are refused.
struct KnownHostsVerifier {
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
    /// The file's lines about this host, or `nil` with the reason when the file could not be read.
    private let matcher: Result<KnownHostsMatcher, KnownHostsFileError>

    /// Reads the file and finds its lines about the host.
    ///
    /// - Parameters:
    ///   - host: The host, as connected to.
    ///   - port: The port.
    ///   - path: The file (already expanded); missing means nothing is known.
    ///   - session: The libssh2 session (for its allocator).
    init(host: String, port: Int, path: String, session: OpaquePointer) {
        self.host = host
        self.port = port
        self.path = path
        self.matcher = Result { try KnownHostsDocument.load(path: path) }
            .mapError { $0 as? KnownHostsFileError ?? KnownHostsFileError(path: path, reason: "\($0)", reading: true) }
            .map { KnownHostsMatcher(host: host, port: port, document: $0, session: session) }
    }

    /// The lines of the file that could not be read, as `PATH:LINE: reason` (or why the file could not be read).
    var problems: [String] {
        switch self.matcher {
        case .success(let matcher): matcher.document.problems
        case .failure(let error): [error.description]
        }
    }

    /// The host key algorithm names `known_hosts` has a key for, for this host, in file order.
    ///
    /// libssh2 would otherwise negotiate its own preference (ECDSA first), and a host known only by its ed25519
    /// key would look changed; OpenSSH avoids that the same way, by preferring the known types.
    var knownKeyTypeNames: [String] {
        guard case .success(let matcher) = self.matcher else { return [] }
        var names: [String] = []
        for line in matcher.hostLines where !names.contains(line.keyType) { names.append(line.keyType) }
        return names
    }

    /// Assesses the key the server presented.
    ///
    /// - Parameter key: The raw host key blob.
    /// - Returns: The assessment; `unknown` when the file could not be read.
    func assess(key: [UInt8]) -> KnownHostsAssessment {
        switch self.matcher {
        case .success(let matcher): matcher.assess(keyBlob: key)
        case .failure:
            KnownHostsAssessment(
                verdict: .unknown,
                hostLines: [],
                document: KnownHostsDocument(path: self.path, lines: [])
            )
        }
    }
}
