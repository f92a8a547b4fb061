#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A worker executable's SHA-256 as its launcher computed it, together with the identity of the file it hashed
/// (device, inode, size, modification time).
///
/// Hashing a 40-50 MB worker binary takes a worker 70-100 ms, most of a local cluster's start. A local launcher has
/// just hashed the very file it starts, so it passes this hint (`fanout-worker --digest-hint`); the worker uses the
/// digest only if its own executable is still that file (the same identity the coordinator's digest cache relies
/// on), and hashes itself otherwise. The coordinator checks the hello's digest either way, so a hint can save
/// time but never admit a different binary than hashing would.
public struct DigestHint: Sendable, Equatable {
    /// Lower-case hex SHA-256.
    public var digest: String
    /// `device:inode:size:seconds.nanoseconds` of the hashed file.
    public var fileIdentity: String

    /// Creates a hint.
    public init(digest: String, fileIdentity: String) {
        self.digest = digest
        self.fileIdentity = fileIdentity
    }

    /// Parses `DIGEST@IDENTITY`, the command-line form.
    /// - Returns: `nil` unless the digest is 64 lower-case hex digits and an identity follows.
    public init?(argument: String) {
        guard let at = argument.firstIndex(of: "@") else { return nil }
        let digest = String(argument[..<at])
        let identity = String(argument[argument.index(after: at)...])
        guard digest.utf8.count == 64, digest.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }),
            !identity.isEmpty
        else { return nil }
        self.init(digest: digest, fileIdentity: identity)
    }

    /// `DIGEST@IDENTITY`, the command-line form.
    public var argument: String { "\(self.digest)@\(self.fileIdentity)" }

    /// The identity of the file at `path` (symbolic links followed), or `nil` if it cannot be read.
    public static func fileIdentity(atPath path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = status.st_mtimespec
        #else
        let modified = status.st_mtim
        #endif
        return "\(status.st_dev):\(status.st_ino):\(status.st_size):\(modified.tv_sec).\(modified.tv_nsec)"
    }

    /// The running executable's digest: this hint's when the executable is the file it names, else hashed.
    public func digestOfCurrentExecutable() -> String {
        if Self.fileIdentity(atPath: "/proc/self/exe") == self.fileIdentity { return self.digest }
        return BinaryDigest.ofCurrentExecutable()
    }
}
