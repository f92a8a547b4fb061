/// How a worker must secure its connection to the coordinator, as the coordinator tells it on the second line of
/// the worker's standard input (after the run secret).
///
/// Either way the run-secret handshake runs on top; TLS adds encryption and lets the worker refuse any server but
/// the one whose certificate it was told to expect.
public enum ChannelSecurity: Sendable, Equatable {
    /// Plain TCP (`transport: plain`). Launch line: `plain`.
    case plain
    /// TLS, accepting only a server certificate with this fingerprint. Launch line: `tls <sha256 hex>`.
    case tls(pinnedFingerprint: CertificateFingerprint)

    /// The line written to a worker's standard input, without the newline.
    public var launchLine: String {
        switch self {
        case .plain:
            return "plain"
        case .tls(let fingerprint):
            return "tls \(fingerprint.hexEncoded)"
        }
    }

    /// Parses a launch line.
    /// - Parameter line: `plain` or `tls <64 hex digits>`; surrounding white space is ignored.
    /// - Throws: ``ProtocolError`` with code `malformed`, quoting the line, when it is neither.
    public init(launchLine line: some StringProtocol) throws(ProtocolError) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        switch (words.first, words.count) {
        case ("plain", 1):
            self = .plain
        case ("tls", 2):
            guard let fingerprint = CertificateFingerprint(hexEncoded: words[1]) else {
                throw ProtocolError(
                    .malformed,
                    "the TLS fingerprint must be 64 hex digits (SHA-256), got '\(Self.abbreviate(words[1]))'"
                )
            }
            self = .tls(pinnedFingerprint: fingerprint)
        default:
            throw ProtocolError(
                .malformed,
                "expected 'tls <sha256 hex>' or 'plain', got '\(Self.abbreviate(line))'"
            )
        }
    }

    /// At most 80 characters of untrusted text, for quoting in a message.
    private static func abbreviate(_ text: some StringProtocol) -> String {
        let printable = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        return printable.count > 80 ? String(printable.prefix(80)) + "…" : printable
    }
}
