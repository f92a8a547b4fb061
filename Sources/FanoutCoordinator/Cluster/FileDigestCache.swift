import FanoutProtocol
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 of worker programs, computed once per file version in this process: the journal's identity check and
/// the cluster's start both need the digest, and hashing a 20-30 MB binary twice costs start-up time.
enum FileDigestCache {
    private struct Key: Hashable {
        var path: String
        var identity: String
    }

    private static let digests = NIOLockedValueBox<[Key: String]>([:])

    /// The file's lower-case hex SHA-256, from the cache when the file has not changed since it was hashed.
    static func digest(ofFile path: String) throws(ProtocolError) -> String {
        try self.hint(ofFile: path).digest
    }

    /// The file's SHA-256 with the identity of the file version hashed (device, inode, size, modification time),
    /// for a worker started from it (``DigestHint``).
    static func hint(ofFile path: String) throws(ProtocolError) -> DigestHint {
        guard let identity = DigestHint.fileIdentity(atPath: path) else {
            return DigestHint(digest: try BinaryDigest.ofFile(atPath: path), fileIdentity: "")
        }
        let key = Key(path: path, identity: identity)
        if let known = Self.digests.withLockedValue({ $0[key] }) {
            return DigestHint(digest: known, fileIdentity: identity)
        }
        let digest = try BinaryDigest.ofFile(atPath: path)
        // Changed while being hashed: the digest is of one of its versions, but not for certain of this identity.
        guard DigestHint.fileIdentity(atPath: path) == identity else {
            return DigestHint(digest: digest, fileIdentity: "")
        }
        Self.digests.withLockedValue { $0[key] = digest }
        return DigestHint(digest: digest, fileIdentity: identity)
    }
}
