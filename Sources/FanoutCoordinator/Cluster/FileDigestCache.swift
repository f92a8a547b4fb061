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
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }

    private static let digests = NIOLockedValueBox<[Key: String]>([:])

    /// The file's lower-case hex SHA-256, from the cache when the file has not changed since it was hashed.
    static func digest(ofFile path: String) throws(ProtocolError) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else { return try BinaryDigest.ofFile(atPath: path) }
        let key = Key(
            path: path,
            device: UInt64(status.st_dev),
            inode: UInt64(status.st_ino),
            size: Int64(status.st_size),
            modifiedSeconds: Int(status.st_mtim.tv_sec),
            modifiedNanoseconds: Int(status.st_mtim.tv_nsec)
        )
        if let known = Self.digests.withLockedValue({ $0[key] }) { return known }
        let digest = try BinaryDigest.ofFile(atPath: path)
        Self.digests.withLockedValue { $0[key] = digest }
        return digest
    }
}
