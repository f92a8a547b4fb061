#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The journal's file-system side: reading a journal whole, and opening it for appending.
enum JournalFile {
    /// The file's bytes, or `nil` when it does not exist.
    static func readWholeFile(_ path: String) throws -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw ClusterError(.journal, "cannot read journal \(path): \(String(cString: strerror(errno)))")
        }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ClusterError(.journal, "cannot read journal \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Opens the file for appending after its first `keeping` bytes (a torn tail is cut off); when nothing worth
    /// keeping is there, writes a fresh magic and header.
    static func openForAppend(path: String, keeping: Int, identity: RunJournal.Identity) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ClusterError(.journal, "cannot write journal \(path): \(String(cString: strerror(errno)))")
        }
        var header: [UInt8] = []
        if keeping == 0 {
            header = JournalRecord.magic
            JournalRecord.appendFrame(JournalRecord.encodeHeader(identity), to: &header)
        }
        let ok =
            ftruncate(descriptor, off_t(keeping)) == 0 && lseek(descriptor, off_t(keeping), SEEK_SET) >= 0
            && header.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == header.count
            && fsync(descriptor) == 0
        guard ok else {
            let reason = String(cString: strerror(errno))
            _ = close(descriptor)
            throw ClusterError(.journal, "cannot write journal \(path): \(reason)")
        }
        return descriptor
    }
}
