internal import CLibSSH2

#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Finds the lines of a document that are about one host, with libssh2's host matching applied to each line on
/// its own, so a line libssh2 cannot read is marked malformed and the next lines are still read.
struct KnownHostsMatcher {
    /// The document, with lines libssh2 rejected marked malformed.
    private(set) var document: KnownHostsDocument
    /// The key lines about this host.
    private(set) var hostLines: [KnownHostsDocument.Line] = []

    /// Matches every key line of `document` against `host` and `port`.
    ///
    /// - Parameters:
    ///   - host: The host name or address.
    ///   - port: The port.
    ///   - document: The parsed file.
    ///   - session: A libssh2 session, used only for its allocator.
    init(host: String, port: Int, document: KnownHostsDocument, session: OpaquePointer) {
        self.document = document
        for index in self.document.lines.indices where self.document.lines[index].kind == .key {
            let line = self.document.lines[index]
            switch Self.matches(line, host: host, port: port, session: session) {
            case .success(true): self.hostLines.append(line)
            case .success(false): break
            case .failure(let failure): self.document.lines[index].kind = .malformed(failure.reason)
            }
        }
    }

    /// The verdict for a presented key blob.
    func assess(keyBlob: [UInt8]) -> KnownHostsAssessment {
        let verdict: KnownHostsAssessment.Verdict
        if let revoked = self.document.lines.first(where: { $0.kind == .revoked && $0.keyBlob == keyBlob }) {
            verdict = .revoked(line: revoked.number)
        } else if let match = self.hostLines.first(where: { $0.keyBlob == keyBlob }) {
            verdict = .trusted(line: match.number)
        } else if !self.hostLines.isEmpty {
            verdict = .changed
        } else {
            verdict = .unknown
        }
        return KnownHostsAssessment(verdict: verdict, hostLines: self.hostLines, document: self.document)
    }

    /// Whether libssh2, reading `line` alone, finds an entry for the host: a key of the line's type that differs
    /// from a dummy is reported as a mismatch exactly when the host part matches.
    private static func matches(
        _ line: KnownHostsDocument.Line,
        host: String,
        port: Int,
        session: OpaquePointer
    ) -> Result<Bool, MatchFailure> {
        guard let collection = libssh2_knownhost_init(session) else { return .failure("libssh2 is out of memory") }
        defer { libssh2_knownhost_free(collection) }
        let read = libssh2_knownhost_readline(
            collection,
            line.text,
            line.text.utf8.count,
            LIBSSH2_KNOWNHOST_FILE_OPENSSH
        )
        guard read == 0 else { return .failure(MatchFailure("libssh2 cannot read it (error \(read))")) }
        // A key type libssh2 cannot negotiate can never be presented: such a line is about no connection.
        guard let keyType = KnownHostsVerifier.keyTypes.first(where: { $0.name == line.keyType }) else {
            return .success(false)
        }
        var dummy: [CChar] = [0]
        let mask =
            fanout_libssh2_knownhost_type_plain() | fanout_libssh2_knownhost_keyenc_raw() | keyType.knownHostMask
        let result = libssh2_knownhost_checkp(collection, host, Int32(port), &dummy, 1, mask, nil)
        return .success(result == LIBSSH2_KNOWNHOST_CHECK_MISMATCH || result == LIBSSH2_KNOWNHOST_CHECK_MATCH)
    }

    /// Decodes a base64 key (as `SSHHostKey` holds it).
    static func decode(_ base64: String) -> [UInt8] {
        Data(base64Encoded: base64).map { [UInt8]($0) } ?? []
    }

    /// Why a line could not be matched.
    struct MatchFailure: Error, ExpressibleByStringLiteral {
        var reason: String
        init(_ reason: String) { self.reason = reason }
        init(stringLiteral value: String) { self.reason = value }
    }
}
