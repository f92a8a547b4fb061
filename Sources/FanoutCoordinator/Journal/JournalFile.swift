#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// On Linux, this module also imports Foundation (elsewhere), through which `stat`'s members resolve to the C module
// as CoreFoundation re-exports it; MemberImportVisibility then asks for that import by name.
#if canImport(CoreFoundation)
import CoreFoundation
#endif

/// The journal's file-system side: reading a journal whole, and opening it for appending.
///
/// The path is the user's, but it may sit in a directory other users write (`/tmp`), so nothing here trusts what
/// is at the path: only a regular file is read (a FIFO would block, `/dev/zero` would never end), the file read is
/// the file later written (same device and inode), a new journal is created exclusively (a planted symlink is not
/// followed) with mode 0600 whatever the umask, and a file's size is known before anything is allocated for it.
enum JournalFile {
    /// The most bytes a journal may hold; a larger file is refused before it is read.
    static let maximumFileBytes = 64 << 30

    /// A journal file that exists, as read.
    struct Existing {
        /// Its bytes.
        var bytes: [UInt8]
        /// Its device and inode, so the file opened for writing is the one that was read.
        var device: UInt64
        var inode: UInt64
    }

    /// The file's bytes, or `nil` when nothing is at the path.
    /// - Throws: ``ClusterError`` `journal` when it cannot be read or is not a regular file.
    static func readExisting(_ path: String) throws -> Existing? {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        if descriptor < 0 {
            if errno == ENOENT {
                if Self.isSymbolicLink(path) {
                    throw ClusterError(
                        .journal,
                        "\(path) is a symbolic link to nothing; refusing to create a journal through it"
                    )
                }
                return nil
            }
            throw ClusterError(.journal, "cannot read journal \(path): \(Self.lastError())")
        }
        defer { _ = close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw ClusterError(.journal, "cannot read journal \(path): \(Self.lastError())")
        }
        try Self.requireRegular(info, path: path)
        guard info.st_size >= 0, info.st_size <= Self.maximumFileBytes else {
            throw ClusterError(
                .journal,
                "\(path) holds \(info.st_size) bytes, more than a journal may (\(Self.maximumFileBytes)); it is left as it is"
            )
        }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, size - filled) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw ClusterError(.journal, "cannot read journal \(path): \(Self.lastError())")
            }
            if count == 0 { break }
            filled += count
        }
        // A file that shrank while being read is read as far as it went; one that grew is read as far as its size
        // said: the rest is not ours to wait for.
        bytes.removeLast(size - filled)
        return Existing(bytes: bytes, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Opens the journal for appending after its first `keeping` bytes (a torn tail is cut off); when nothing
    /// worth keeping is there, writes a fresh magic and header.
    /// - Parameters:
    ///   - path: The journal.
    ///   - keeping: Bytes of the existing file to keep.
    ///   - identity: The run, written in a fresh header.
    ///   - existing: The file as read, or `nil` to create a new one.
    /// - Returns: The descriptor, positioned at the end.
    /// - Throws: ``ClusterError`` `journal` when it cannot be opened or written, or is no longer the file read.
    static func openForAppend(
        path: String,
        keeping: Int,
        identity: RunJournal.Identity,
        existing: Existing?
    ) throws -> Int32 {
        let descriptor: Int32
        if let existing {
            descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
            guard descriptor >= 0 else {
                throw ClusterError(.journal, "cannot write journal \(path): \(Self.lastError())")
            }
            var info = stat()
            guard fstat(descriptor, &info) == 0, UInt64(info.st_dev) == existing.device,
                UInt64(info.st_ino) == existing.inode, (info.st_mode & S_IFMT) == S_IFREG
            else {
                _ = close(descriptor)
                throw ClusterError(.journal, "\(path) was replaced while it was being read; refusing to write it")
            }
        } else {
            // Exclusive: a file or a symlink planted at the path since it was read is not followed or reused.
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0o600)
            guard descriptor >= 0 else {
                throw ClusterError(.journal, "cannot create journal \(path): \(Self.lastError())")
            }
        }
        var header: [UInt8] = []
        if keeping == 0 {
            header = JournalRecord.magic
            JournalRecord.appendFrame(JournalRecord.encodeHeader(identity), to: &header)
        }
        // The journal holds the run's outputs: private, whatever the umask (for a new file, and one started over).
        let ok =
            (existing != nil && keeping > 0 || fchmod(descriptor, 0o600) == 0)
            && fcntl(descriptor, F_SETFL, 0) == 0
            && ftruncate(descriptor, off_t(keeping)) == 0 && lseek(descriptor, off_t(keeping), SEEK_SET) >= 0
            && header.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == header.count
            && fsync(descriptor) == 0
        guard ok else {
            let reason = Self.lastError()
            _ = close(descriptor)
            throw ClusterError(.journal, "cannot write journal \(path): \(reason)")
        }
        return descriptor
    }

    private static func requireRegular(_ info: stat, path: String) throws {
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO"
        case S_IFCHR, S_IFBLK: kind = "a device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw ClusterError(.journal, "\(path) is \(kind), not a regular file; a journal must be a regular file")
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
