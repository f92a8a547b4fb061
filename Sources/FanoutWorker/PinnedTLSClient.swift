import FanoutProtocol
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// The worker's end of `transport: tls`: a TLS client that accepts exactly one server certificate, the one whose
/// fingerprint came with the run secret on standard input.
///
/// No certificate authority, host name or date is consulted: the coordinator makes a new self-signed certificate
/// for every run, and the pinned fingerprint is the whole of the trust decision. The run-secret handshake still runs
/// inside the TLS channel, so each side also proves it belongs to this run.
struct PinnedTLSClient: Sendable {
    /// The fingerprint the coordinator's certificate must have.
    let pinned: CertificateFingerprint
    private let context: NIOSSLContext
    /// The fingerprint of a certificate that was refused, so the failure can name both.
    private let refused = NIOLockedValueBox<String?>(nil)

    /// Prepares the TLS client.
    /// - Parameter pinned: The only certificate fingerprint to accept.
    /// - Throws: When BoringSSL cannot set up a context (it should not).
    init(pinning pinned: CertificateFingerprint) throws {
        self.pinned = pinned
        var configuration = TLSConfiguration.makeClientConfiguration()
        // Both ends are this program, so there is no older peer to wait for.
        configuration.minimumTLSVersion = .tlsv13
        // The custom callback replaces BoringSSL's checks; `.none` would skip the callback and accept anything.
        configuration.certificateVerification = .noHostnameVerification
        // No system trust store: hosts need no CA bundle, and no CA can vouch for a certificate that is not pinned.
        configuration.trustRoots = .certificates([])
        self.context = try NIOSSLContext(configuration: configuration)
    }

    /// Puts the TLS handler first in a fresh channel's pipeline. Must run on the channel's event loop.
    /// - Parameter channel: The connection to the coordinator.
    /// - Throws: When the handler cannot be added.
    func addHandler(to channel: any Channel) throws {
        let pinned = self.pinned
        let refused = self.refused
        let handler = try NIOSSLClientHandler(context: self.context, serverHostname: nil) { certificates, promise in
            guard let leaf = certificates.first, let der = try? leaf.toDERBytes() else {
                refused.withLockedValue { $0 = "no certificate" }
                promise.succeed(.failed)
                return
            }
            let presented = CertificateFingerprint(derEncodedCertificate: der)
            if presented == pinned {
                promise.succeed(.certificateVerified)
            } else {
                refused.withLockedValue { $0 = "certificate \(presented)" }
                promise.succeed(.failed)
            }
        }
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    /// A clear error for a failure during connect or handshake that TLS caused, or `nil` when TLS was not the cause.
    /// - Parameter error: What the handshake threw.
    /// - Returns: A ``ProtocolError`` naming both fingerprints on a mismatch, or the TLS failure otherwise.
    func explain(_ error: any Error) -> ProtocolError? {
        if let presented = self.refused.withLockedValue({ $0 }) {
            return ProtocolError(
                .certificateMismatch,
                "TLS certificate fingerprint mismatch: the server at this address presented \(presented), but "
                    + "this worker was told to pin \(self.pinned); refusing to join (another process on that port?)"
            )
        }
        if error is NIOSSLError || error is BoringSSLError {
            return ProtocolError(
                .tlsFailed,
                "TLS handshake with the coordinator failed (the worker was told transport: tls): \(error)"
            )
        }
        return nil
    }
}
