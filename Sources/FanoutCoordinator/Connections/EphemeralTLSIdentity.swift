import Crypto
import FanoutProtocol
import NIOCore
import NIOSSL
import SwiftASN1
import X509

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A P-256 key and self-signed certificate made for one run, and the TLS server context that presents them.
///
/// Nothing is written to disk and nothing outlives the run. Workers do not check names, dates or issuers: they are
/// handed the certificate's ``fingerprint`` over SSH or the local pipe and accept this exact certificate only.
struct EphemeralTLSIdentity: Sendable {
    /// How long before its creation the certificate claims to be valid, so a host whose clock is a little behind
    /// would not see it as "not yet valid" if it ever checked (workers pin the fingerprint and check no dates).
    static let backdating: TimeInterval = 60 * 60
    /// How long the certificate claims to be valid: longer than any run.
    static let lifetime: TimeInterval = 60 * 60 * 24 * 90

    /// SHA-256 of the certificate's DER: what each worker pins.
    let fingerprint: CertificateFingerprint
    /// The server side of the TLS channel, for every worker connection of the run.
    let serverContext: NIOSSLContext

    /// Makes a fresh key, certificate and server context.
    /// - Throws: ``ClusterError`` with code `listenFailed` when any step fails (it should not).
    static func make() throws -> EphemeralTLSIdentity {
        do {
            let key = P256.Signing.PrivateKey()
            let certificateKey = Certificate.PrivateKey(key)
            let name = try DistinguishedName { CommonName("fanout coordinator (ephemeral)") }
            let now = Date()
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: certificateKey.publicKey,
                notValidBefore: now - Self.backdating,
                notValidAfter: now + Self.lifetime,
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth])
                },
                issuerPrivateKey: certificateKey
            )
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            let der = serializer.serializedBytes
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(try NIOSSLCertificate(bytes: der, format: .der))],
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem))
            )
            // Both ends are this program, so there is no older peer to wait for.
            configuration.minimumTLSVersion = .tlsv13
            // A healthy worker answers close_notify at once; a dead one (its host cut off) never does, and waiting
            // NIO's default 5 s for it would hold the coordinator's exit after the run has finished.
            configuration.shutdownTimeout = .milliseconds(500)
            return EphemeralTLSIdentity(
                fingerprint: CertificateFingerprint(derEncodedCertificate: der),
                serverContext: try NIOSSLContext(configuration: configuration)
            )
        } catch {
            throw ClusterError(.listenFailed, "cannot make this run's TLS certificate (transport: tls): \(error)")
        }
    }
}
