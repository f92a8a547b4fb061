#if canImport(Glibc)
import Glibc
#endif

// `stat` and its fields resolve to CoreFoundation's copy of the C declarations once another file of this module
// imports Foundation, and MemberImportVisibility then asks for that module here too (release builds first).
#if canImport(CoreFoundation)
import CoreFoundation
#endif

/// `--joblog`: one tab-separated line per finished job, GNU Parallel's columns, written as each job ends (one
/// `write` per line, so a coordinator killed with -9 leaves every finished job in the file). Only the task that
/// reads the results writes to it, one line at a time.
final class JobLog: @unchecked Sendable {
    let path: String
    private let descriptor: Int32

    /// Opens the log: appending when resuming, otherwise starting it afresh. A new log is created exclusively
    /// with mode 0600 whatever the umask (it names the user's commands and hosts); only a regular file is used
    /// (a FIFO, device or directory at the path is refused).
    /// - Parameters:
    ///   - path: The file.
    ///   - append: Keep what it holds (for `--resume`).
    /// - Throws: ``ExecSessionError`` with code ``ExecSessionError/Code/jobLog`` when it cannot be opened.
    init(path: String, append: Bool) throws(ExecSessionError) {
        func failure(_ what: String) -> ExecSessionError {
            ExecSessionError(.jobLog, "cannot open the job log \(path): \(what)")
        }
        var descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0o600)
        if descriptor >= 0 {
            _ = fchmod(descriptor, 0o600)
        } else if errno == EEXIST {
            // O_NONBLOCK: a FIFO must not block the open; it is refused below. No O_TRUNC before the check.
            descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (append ? O_APPEND : 0))
        }
        guard descriptor >= 0 else { throw failure(String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw failure("not a regular file")
        }
        guard fcntl(descriptor, F_SETFL, append ? O_APPEND : 0) == 0, append || ftruncate(descriptor, 0) == 0
        else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw failure(reason)
        }
        self.path = path
        self.descriptor = descriptor
        if !append || info.st_size == 0 {
            self.write(JobLogEntry.header)
        } else {
            // A line torn by a crash must not glue itself to the next one.
            var last: UInt8 = 0
            let reader = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
            if reader >= 0 {
                if pread(reader, &last, 1, info.st_size - 1) == 1, last != UInt8(ascii: "\n") { self.write("\n") }
                close(reader)
            }
        }
    }

    deinit { close(self.descriptor) }

    /// Appends one job's line (escaped and bounded by ``JobLogEntry/line``: the host comes from a worker).
    func record(_ entry: JobLogEntry) {
        self.write(entry.line)
    }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(self.descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// The largest log read back; a larger file is not a log of ours.
    static let maximumReadBytes = 1 << 30

    /// Reads a log written by an earlier run: the last line for each sequence number. Torn, foreign or malformed
    /// lines are skipped (``JobLogEntry/entries(in:)``), so a line that is not one of ours cannot mark a job done.
    /// - Parameter path: The file; a missing file, or one that is not a regular file, reads as empty.
    /// - Returns: Entries by sequence number.
    static func read(path: String) -> [Int: JobLogEntry] {
        guard let data = Self.readRegularFile(path) else { return [:] }
        return JobLogEntry.entries(in: data)
    }

    private static func readRegularFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size >= 0,
            info.st_size <= Self.maximumReadBytes
        else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(filled))
            }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { break }
            filled += count
        }
        return Array(bytes[0..<filled])
    }
}
