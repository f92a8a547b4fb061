internal import CLibSSH2
internal import Glibc

#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

extension SessionDriver {
    /// Connects the socket, runs the SSH handshake and checks the host key, all before `target.connectTimeout`.
    ///
    /// - Parameters:
    ///   - target: Where to connect.
    ///   - policy: How to treat the host key.
    ///   - interrupt: The operation's cancellation state.
    ///   - wakeup: The pipe cancellation handlers write to; the driver keeps it.
    /// - Returns: The driver (call `shutdown()`), the server's host key, and the TCP connect round trip.
    /// - Throws: `SSHError` or `CancellationError`; nothing is left open then.
    static func connect(
        to target: SSHTarget,
        policy: HostKeyPolicy,
        interrupt: OperationInterrupt,
        wakeup: WakeupPipe
    ) throws -> (driver: SessionDriver, hostKey: SSHHostKey, roundTripTime: Duration) {
        let deadline = ContinuousClock.now + target.connectTimeout
        let connection = try SocketConnector.connect(
            to: target,
            deadline: deadline,
            interrupt: interrupt,
            wakeup: wakeup
        )
        let driver = try SessionDriver.make(target: target, socket: connection.descriptor, wakeup: wakeup)
        do {
            let hostKey = try driver.handshake(policy: policy, deadline: deadline, interrupt: interrupt)
            return (driver, hostKey, connection.roundTripTime)
        } catch {
            driver.shutdown()
            throw error
        }
    }

    private func handshake(
        policy: HostKeyPolicy,
        deadline: ContinuousClock.Instant,
        interrupt: OperationInterrupt
    ) throws -> SSHHostKey {
        let endpoint = self.target.endpointDescription
        let knownHosts = KnownHostsVerifier(
            host: self.target.host,
            port: self.target.port,
            path: PathExpansion.expandingTilde(self.target.knownHostsPath),
            session: self.session
        )
        // Also when only fetching the key (`fanout hosts trust`): a host known by its ed25519 key must present
        // that key, not the ECDSA one libssh2 would pick, or trusting it would look like a change.
        self.preferHostKeyTypes(knownHosts.knownKeyTypeNames)
        libssh2_keepalive_config(self.session, 1, UInt32(max(1, self.target.keepaliveInterval.components.seconds)))

        let result = try self.retrying(until: deadline, interrupt: interrupt) {
            SSHError(
                code: .timedOut,
                host: self.target.host,
                message: "SSH handshake with \(endpoint) timed out after \(self.target.connectTimeout): "
                    + "the port accepts connections but no SSH server answered"
            )
        } _: {
            libssh2_session_handshake(self.session, self.socket)
        }
        guard result == 0 else {
            throw SSHError(
                code: .handshakeFailed,
                host: self.target.host,
                message: "SSH handshake with \(endpoint) failed: \(self.lastErrorMessage)"
            )
        }

        let (hostKey, blob, _) = try self.presentedHostKey()
        guard policy == .strict else { return hostKey }
        let presented = "\(hostKey.type) \(hostKey.fingerprintSHA256)"
        let assessment = knownHosts.assess(key: blob)
        // Lines that could not be read were skipped; say so whenever the verdict is a refusal, since a skipped
        // line may be the one that should have matched.
        let skipped =
            knownHosts.problems.isEmpty ? "" : " (skipped: " + knownHosts.problems.joined(separator: "; ") + ")"
        switch assessment.verdict {
        case .trusted:
            return hostKey
        case .revoked(let line):
            throw SSHError(
                code: .hostKeyRevoked,
                host: self.target.host,
                message: "host key of \(endpoint) (\(presented)) is REVOKED by \(knownHosts.path):\(line); "
                    + "refusing to connect"
            )
        case .unknown:
            throw SSHError(
                code: .hostKeyUnknown,
                host: self.target.host,
                message: "host key of \(endpoint) is not known (\(presented)); to trust it, check the fingerprint "
                    + "and run: fanout hosts trust \(self.target.host)" + skipped
            )
        case .changed:
            let lines = assessment.hostLines.map { "\($0.number)" }.joined(separator: ", ")
            throw SSHError(
                code: .hostKeyChanged,
                host: self.target.host,
                message: "HOST KEY OF \(endpoint) HAS CHANGED: it is now \(presented), \(knownHosts.path) has a "
                    + "different key (line \(lines)); this may be an attack. If the host was reinstalled, check the "
                    + "new fingerprint and run: fanout hosts trust \(self.target.host) --replace" + skipped
            )
        }
    }

    /// Puts the key types `known_hosts` has for this host first in libssh2's host key preference, as OpenSSH does.
    private func preferHostKeyTypes(_ known: [String]) {
        guard !known.isEmpty else { return }
        var algorithms: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        let count = libssh2_session_supported_algs(self.session, LIBSSH2_METHOD_HOSTKEY, &algorithms)
        guard count > 0, let algorithms else { return }
        defer { libssh2_free(self.session, algorithms) }
        let supported = (0..<Int(count)).compactMap { algorithms[$0].map { String(cString: $0) } }
        let preferred = known.filter(supported.contains) + supported.filter { !known.contains($0) }
        _ = libssh2_session_method_pref(self.session, LIBSSH2_METHOD_HOSTKEY, preferred.joined(separator: ","))
    }

    private func presentedHostKey() throws -> (SSHHostKey, [UInt8], Int32) {
        var length = 0
        var type: Int32 = 0
        guard let key = libssh2_session_hostkey(self.session, &length, &type), length > 0,
            let hash = libssh2_hostkey_hash(self.session, LIBSSH2_HOSTKEY_HASH_SHA256)
        else {
            throw SSHError(
                code: .handshakeFailed,
                host: self.target.host,
                message: "\(self.target.endpointDescription) presented no usable host key"
            )
        }
        let blob = UnsafeRawBufferPointer(start: key, count: length).map { $0 }
        let digest = Data(UnsafeRawBufferPointer(start: hash, count: 32))
        let fingerprint = "SHA256:" + String(digest.base64EncodedString().filter { $0 != "=" })
        let name = KnownHostsVerifier.keyTypes.first { $0.libssh2Type == type }?.name ?? "unknown"
        return (
            SSHHostKey(type: name, base64: Data(blob).base64EncodedString(), fingerprintSHA256: fingerprint), blob, type
        )
    }
}
