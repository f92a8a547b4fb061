import FanoutProtocol
import Testing

@Suite("Channel security launch line and certificate fingerprints")
struct ChannelSecurityTests {
    static let fingerprint = CertificateFingerprint(hexEncoded: String(repeating: "ab", count: 32))!

    @Test func fingerprintIsSHA256OfTheDER() {
        // SHA-256 of no bytes, the standard test vector.
        let empty = CertificateFingerprint(derEncodedCertificate: [])
        #expect(empty.hexEncoded == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(empty.description == "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(CertificateFingerprint(derEncodedCertificate: [1]) != empty)
    }

    @Test func fingerprintHexMustBeExactly32Bytes() {
        #expect(CertificateFingerprint(hexEncoded: String(repeating: "AB", count: 32)) == Self.fingerprint)
        #expect(CertificateFingerprint(hexEncoded: String(repeating: "ab", count: 31)) == nil)
        #expect(CertificateFingerprint(hexEncoded: String(repeating: "ab", count: 33)) == nil)
        #expect(CertificateFingerprint(hexEncoded: String(repeating: "zz", count: 32)) == nil)
        #expect(CertificateFingerprint(hexEncoded: "") == nil)
    }

    @Test func launchLinesRoundTrip() throws {
        #expect(ChannelSecurity.plain.launchLine == "plain")
        let tls = ChannelSecurity.tls(pinnedFingerprint: Self.fingerprint)
        #expect(tls.launchLine == "tls " + String(repeating: "ab", count: 32))
        #expect(try ChannelSecurity(launchLine: tls.launchLine) == tls)
        #expect(try ChannelSecurity(launchLine: "plain") == .plain)
        #expect(try ChannelSecurity(launchLine: "  plain\r") == .plain)
    }

    @Test(arguments: [
        ("", "expected 'tls <sha256 hex>' or 'plain', got ''"),
        ("bogus", "expected 'tls <sha256 hex>' or 'plain', got 'bogus'"),
        ("tls", "expected 'tls <sha256 hex>' or 'plain', got 'tls'"),
        ("PLAIN", "expected 'tls <sha256 hex>' or 'plain', got 'PLAIN'"),
        ("plain extra", "expected 'tls <sha256 hex>' or 'plain', got 'plain extra'"),
        ("tls abcd", "the TLS fingerprint must be 64 hex digits (SHA-256), got 'abcd'"),
        ("tls \(String(repeating: "ab", count: 32)) more", "expected 'tls <sha256 hex>' or 'plain', got 'tls "),
        ("ssh-tunnel", "expected 'tls <sha256 hex>' or 'plain', got 'ssh-tunnel'"),
        ("\u{1B}[31m", "expected 'tls <sha256 hex>' or 'plain', got '?[31m'"),
    ])
    func malformedLaunchLinesAreRefused(line: String, message: String) {
        let error = #expect(throws: ProtocolError.self) { try ChannelSecurity(launchLine: line) }
        #expect(error?.code == .malformed)
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
    }
}
