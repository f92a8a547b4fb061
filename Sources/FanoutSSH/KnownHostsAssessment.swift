internal import CLibSSH2

/// What a `known_hosts` file says about one host's presented key.
public struct KnownHostsAssessment: Sendable {
    /// The outcome.
    public enum Verdict: Sendable, Equatable {
        /// A line for this host holds exactly this key.
        case trusted(line: Int)
        /// An `@revoked` line holds this key: it must never be accepted.
        case revoked(line: Int)
        /// Lines for this host exist (``hostLines``), none with this key: the key has changed.
        case changed
        /// No line is about this host.
        case unknown
    }

    /// The outcome.
    public var verdict: Verdict
    /// The key lines (not `@revoked`) whose host patterns match the host, in file order.
    public var hostLines: [KnownHostsDocument.Line]
    /// The file, with lines libssh2 could not read marked malformed.
    public var document: KnownHostsDocument

    /// Reads a `known_hosts` file and assesses a key.
    ///
    /// - Parameters:
    ///   - host: The host name or address, as connected to.
    ///   - port: The port (`[host]:port` entries when not 22).
    ///   - key: The key the host presented.
    ///   - path: The file; a leading `~` is expanded, a missing file knows no host.
    /// - Returns: The assessment.
    /// - Throws: `KnownHostsFileError` when the file exists but cannot be read.
    public static func assess(host: String, port: Int, key: SSHHostKey, path: String) throws -> KnownHostsAssessment {
        let document = try KnownHostsDocument.load(path: path)
        guard LibSSH2Library.ensureInitialized(), let session = fanout_libssh2_session_init() else {
            throw KnownHostsFileError(path: document.path, reason: "cannot initialise libssh2", reading: true)
        }
        defer { libssh2_session_free(session) }
        let matcher = KnownHostsMatcher(host: host, port: port, document: document, session: session)
        return matcher.assess(keyBlob: KnownHostsMatcher.decode(key.base64))
    }
}
