internal import CLibSSH2

#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

extension SessionDriver {
    /// The advice given when an RSA key was among those tried.
    static let rsaAdvice =
        "Debian 12's libssh2 1.10 signs RSA keys only with SHA-1 (ssh-rsa), which OpenSSH 8.8 and later refuse "
        + "by default; use an ed25519 or ECDSA key"

    /// Authenticates with the agent's keys, then with each identity file, within `target.connectTimeout`.
    ///
    /// - Parameter interrupt: The operation's cancellation state.
    /// - Throws: `SSHError(.authenticationFailed)` naming everything tried, `SSHError(.timedOut)`, or
    ///   `CancellationError`.
    func authenticate(interrupt: OperationInterrupt) throws {
        let deadline = ContinuousClock.now + self.target.connectTimeout
        let identity = "\(self.target.user)@\(self.target.endpointDescription)"
        let onTimeout = {
            SSHError(
                code: .timedOut,
                host: self.target.host,
                message: "authentication of \(identity) timed out after \(self.target.connectTimeout)"
            )
        }
        var tried: [String] = []
        var notes: [String] = []
        var triedRSA = false

        if self.target.useAgent, let socket = ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"], !socket.isEmpty {
            let outcome = try self.authenticateWithAgent(deadline: deadline, interrupt: interrupt, onTimeout: onTimeout)
            if outcome.authenticated { return self.authenticated() }
            tried.append(outcome.summary)
            triedRSA = triedRSA || outcome.triedRSA
        }

        for configuredPath in self.target.identityFiles {
            let file = IdentityFile(configuredPath: configuredPath)
            guard file.exists else {
                tried.append("\(file.path) (no such file)")
                continue
            }
            if file.isEncrypted {
                tried.append("\(file.path) (passphrase-protected)")
                notes.append(
                    "identity \(file.path) is passphrase-protected: load it into ssh-agent (ssh-add \(file.path)) "
                        + "or use a key without passphrase"
                )
                continue
            }
            triedRSA = triedRSA || file.isRSA
            let result = try self.retrying(until: deadline, interrupt: interrupt, onTimeout: onTimeout) {
                libssh2_userauth_publickey_fromfile_ex(
                    self.session,
                    self.target.user,
                    UInt32(self.target.user.utf8.count),
                    file.publicKeyPath,
                    file.path,
                    ""
                )
            }
            if result == 0 { return self.authenticated() }
            switch result {
            case LIBSSH2_ERROR_FILE, LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED:
                tried.append("\(file.path) (unreadable by libssh2: \(self.lastErrorMessage))")
            case LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_SEND:
                throw self.failure(.authenticationFailed, "authenticating \(identity)", result: result)
            default:
                tried.append("\(file.path) (rejected)")
            }
        }

        var message =
            "authentication of \(identity) failed; tried: "
            + (tried.isEmpty ? "nothing (no agent, no identity files)" : tried.joined(separator: ", "))
        for note in notes { message += ". " + note }
        if triedRSA { message += ". " + Self.rsaAdvice }
        throw SSHError(code: .authenticationFailed, host: self.target.host, message: message)
    }

    private func authenticated() {
        self.keepaliveEnabled = true
    }

    /// Tries every key the agent offers. Any agent trouble just means "the agent did not help".
    private func authenticateWithAgent(
        deadline: ContinuousClock.Instant,
        interrupt: OperationInterrupt,
        onTimeout: () -> SSHError
    ) throws -> (authenticated: Bool, summary: String, triedRSA: Bool) {
        guard let agent = libssh2_agent_init(self.session) else { return (false, "agent (unusable)", false) }
        defer { libssh2_agent_free(agent) }
        guard libssh2_agent_connect(agent) == 0 else { return (false, "agent (cannot connect)", false) }
        defer { _ = libssh2_agent_disconnect(agent) }
        guard libssh2_agent_list_identities(agent) == 0 else { return (false, "agent (cannot list keys)", false) }

        var count = 0
        var triedRSA = false
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        while true {
            var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
            guard libssh2_agent_get_identity(agent, &identity, previous) == 0, let identity else { break }
            previous = identity
            count += 1
            let blob = UnsafeBufferPointer(start: identity.pointee.blob, count: identity.pointee.blob_len)
            var reader = SSHWireReader(bytes: Array(blob))
            triedRSA = triedRSA || reader.readString() == Array("ssh-rsa".utf8)
            let result = try self.retrying(until: deadline, interrupt: interrupt, onTimeout: onTimeout) {
                libssh2_agent_userauth(agent, self.target.user, identity)
            }
            if result == 0 { return (true, "", triedRSA) }
        }
        return (false, "agent (\(count) key\(count == 1 ? "" : "s"))", triedRSA)
    }
}
