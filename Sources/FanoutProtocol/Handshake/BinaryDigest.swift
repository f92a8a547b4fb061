import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 of an executable file: the identity a worker proves in its hello and the coordinator checks.
public enum BinaryDigest {
    /// Hashes a file.
    /// - Parameter path: The file to hash.
    /// - Returns: Lower-case hex SHA-256.
    /// - Throws: ``ProtocolError`` with code `malformed` when the file cannot be read.
    public static func ofFile(atPath path: String) throws(ProtocolError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ProtocolError(.malformed, "cannot read \(path) to hash it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ProtocolError(.malformed, "cannot read \(path) to hash it: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return Hex.encode(hasher.finalize())
    }

    /// The digest of the running executable (`/proc/self/exe` on Linux).
    /// - Returns: Lower-case hex SHA-256, or `"unknown"` if the file cannot be read.
    public static func ofCurrentExecutable() -> String {
        (try? Self.ofFile(atPath: "/proc/self/exe")) ?? "unknown"
    }
}
