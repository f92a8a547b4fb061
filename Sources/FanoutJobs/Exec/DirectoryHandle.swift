#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An open directory, and the file operations `fanout exec` performs inside one without ever following a symbolic
/// link: every name is one path component resolved relative to this descriptor (`openat`, `mkdirat`, `unlinkat`,
/// `renameat` with `O_NOFOLLOW`), so a link planted anywhere below cannot send a write or a removal elsewhere.
///
/// Used on both sides of a job: by the worker for its staging tree, by the coordinator for returned files.
public final class DirectoryHandle {
    /// Why an operation failed.
    public struct Failure: Error, Sendable, Equatable {
        /// What kind of failure it is.
        public enum Code: Sendable, Equatable {
            /// A name is a symbolic link, or not a directory where one is needed.
            case notADirectory
            /// A name is not a single plain path component (empty, `.`, `..`, a slash, a NUL byte).
            case invalidName
            /// The directory or file belongs to someone else, or others may write to it.
            case notPrivate
            /// Any other system call failure.
            case systemError
        }

        /// What kind of failure it is.
        public var code: Code
        /// A sentence for humans.
        public var message: String

        /// Creates a failure.
        public init(_ code: Code, _ message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The descriptor (`O_DIRECTORY`, close-on-exec), closed when the handle goes away.
    public let descriptor: Int32
    /// The directory's path, for messages (and for a job's `chdir`); never used to reach files.
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(self.descriptor) }

    /// Opens a directory by path. The path itself is followed (it is the user's, or checked by the caller).
    /// - Parameters:
    ///   - path: The directory.
    ///   - followLastComponent: `false` refuses a path whose last component is a symbolic link.
    /// - Returns: The open directory.
    /// - Throws: ``Failure`` when it cannot be opened as a directory.
    public static func open(_ path: String, followLastComponent: Bool = true) throws(Failure) -> DirectoryHandle {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (followLastComponent ? 0 : O_NOFOLLOW)
        let descriptor = Glibc.open(path, flags)
        guard descriptor >= 0 else {
            let error = errno
            if error == ELOOP || error == ENOTDIR {
                throw Failure(.notADirectory, "\(path) is a symbolic link or not a directory")
            }
            throw Failure(.systemError, "cannot open \(path): \(ExecProcess.describe(error))")
        }
        return DirectoryHandle(descriptor: descriptor, path: path)
    }

    /// Whether `name` is one plain component: not empty, not `.` or `..`, no slash, no NUL.
    /// - Parameter name: A file name.
    /// - Returns: `true` when it names an entry of this directory and nothing else.
    public static func isPlainName(_ name: [UInt8]) -> Bool {
        !name.isEmpty && !name.elementsEqual(".".utf8) && !name.elementsEqual("..".utf8)
            && !name.contains(UInt8(ascii: "/")) && !name.contains(0) && name.count <= Int(NAME_MAX)
    }

    /// Whether a path stays inside the directory it is relative to: not absolute, made of plain components (no
    /// empty, `.` or `..` component, no NUL byte).
    /// - Parameter path: A path.
    /// - Returns: `true` when it is safe.
    public static func isSafeRelativePath(_ path: [UInt8]) -> Bool {
        guard !path.isEmpty, path.first != UInt8(ascii: "/"), path.count <= Int(PATH_MAX) else { return false }
        return path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy {
            Self.isPlainName(Array($0))
        }
    }

    /// Creates the subdirectory `name` unless something by that name exists.
    /// - Parameters:
    ///   - name: One path component.
    ///   - mode: The new directory's mode (before the umask).
    /// - Returns: `true` when this call made it, `false` when the name existed (whatever it is: open it with
    ///   ``subdirectory(_:)`` to know).
    /// - Throws: ``Failure`` when it can be neither made nor found.
    @discardableResult
    public func makeDirectory(_ name: [UInt8], mode: mode_t) throws(Failure) -> Bool {
        guard Self.isPlainName(name) else {
            throw Failure(.invalidName, "'\(self.display(name))' is not a plain file name")
        }
        if Self.withName(name, { mkdirat(self.descriptor, $0, mode) }) == 0 { return true }
        guard errno == EEXIST else {
            throw Failure(.systemError, "cannot create directory \(self.display(name)): \(ExecProcess.describe(errno))")
        }
        return false
    }

    /// Opens the subdirectory `name`. A symbolic link there is refused, never followed.
    /// - Parameter name: One path component.
    /// - Returns: The open subdirectory.
    /// - Throws: ``Failure`` (`.notADirectory` for a link or a file in the way).
    public func subdirectory(_ name: [UInt8]) throws(Failure) -> DirectoryHandle {
        let display = self.display(name)
        guard Self.isPlainName(name) else { throw Failure(.invalidName, "'\(display)' is not a plain file name") }
        let descriptor = Self.withName(name) {
            openat(self.descriptor, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        guard descriptor >= 0 else {
            let error = errno
            if error == ELOOP || error == ENOTDIR {
                throw Failure(.notADirectory, "\(display) is a symbolic link or not a directory: refusing to follow it")
            }
            throw Failure(.systemError, "cannot open directory \(display): \(ExecProcess.describe(error))")
        }
        return DirectoryHandle(descriptor: descriptor, path: display)
    }

    /// The directory's own status (`fstat` of the descriptor: the directory that was opened, whatever its path
    /// names now).
    public func status() throws(Failure) -> stat {
        var info = stat()
        guard fstat(self.descriptor, &info) == 0 else {
            throw Failure(.systemError, "cannot stat \(self.path): \(ExecProcess.describe(errno))")
        }
        return info
    }

    /// Refuses a directory that is not private to the calling user: owned by someone else, or readable, writable
    /// or searchable by group or others.
    /// - Parameter what: How messages call it ("staging root").
    /// - Throws: ``Failure`` with code `.notPrivate`, saying who owns it or what its mode is.
    public func requirePrivate(_ what: String) throws(Failure) {
        let info = try self.status()
        if info.st_uid != getuid() {
            throw Failure(.notPrivate, "\(what) \(self.path) is owned by uid \(info.st_uid), not you: refusing")
        }
        if info.st_mode & 0o077 != 0 {
            let mode = String(info.st_mode & 0o7777, radix: 8)
            throw Failure(
                .notPrivate,
                "\(what) \(self.path) has mode 0\(mode): others may read or change it, it must be 0700: refusing "
                    + "(remove it, or chmod 700 it if you know what it holds)"
            )
        }
    }

    /// Writes a new file under a fresh name (`O_CREAT | O_EXCL | O_NOFOLLOW`), never into something that exists.
    /// - Parameters:
    ///   - bytes: The contents.
    ///   - name: One path component that must not exist yet.
    ///   - mode: The new file's mode (before the umask).
    /// - Throws: ``Failure`` when it exists already or cannot be written (a partial file is removed).
    public func createFile(_ bytes: [UInt8], named name: [UInt8], mode: mode_t) throws(Failure) {
        let display = self.display(name)
        guard Self.isPlainName(name) else { throw Failure(.invalidName, "'\(display)' is not a plain file name") }
        let descriptor = Self.withName(name) {
            openat(self.descriptor, $0, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        }
        guard descriptor >= 0 else {
            throw Failure(.systemError, "cannot create \(display): \(ExecProcess.describe(errno))")
        }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let error = errno
                _ = self.unlink(name)
                throw Failure(.systemError, "cannot write \(display): \(ExecProcess.describe(error))")
            }
            offset += written
        }
    }

    /// A name no entry of this directory has, for a file that is renamed into place afterwards.
    public static func temporaryName() -> [UInt8] {
        Array(".fanout-\(String(UInt64.random(in: 0...UInt64.max), radix: 16)).partial".utf8)
    }

    /// Moves `name` to `newName` in `destination` (`renameat`: a link at `newName` is replaced, not followed).
    public func rename(_ name: [UInt8], to newName: [UInt8], in destination: DirectoryHandle) throws(Failure) {
        let result = Self.withName(name) { from in
            Self.withName(newName) { to in renameat(self.descriptor, from, destination.descriptor, to) }
        }
        guard result == 0 else {
            throw Failure(
                .systemError,
                "cannot move a file to \(destination.display(newName)): \(ExecProcess.describe(errno))"
            )
        }
    }

    /// Hard-links `name` of this directory as `newName` in `destination` (`linkat` without following links).
    /// - Returns: `0`, or the errno value.
    public func link(_ name: [UInt8], as newName: [UInt8], in destination: DirectoryHandle) -> Int32 {
        let result = Self.withName(name) { from in
            Self.withName(newName) { to in linkat(self.descriptor, from, destination.descriptor, to, 0) }
        }
        return result == 0 ? 0 : errno
    }

    /// Removes the entry `name` (a file or a link: the link itself, never its target).
    /// - Returns: `0`, or the errno value.
    @discardableResult
    public func unlink(_ name: [UInt8]) -> Int32 {
        Self.withName(name) { unlinkat(self.descriptor, $0, 0) } == 0 ? 0 : errno
    }

    /// How deep ``removeTree(_:)`` descends (each level holds a descriptor and a stack frame); deeper parts of a
    /// tree a job built on purpose are left in place.
    public static let maximumRemovalDepth = 1024

    /// Removes the entry `name` and, when it is a directory, everything below it, descending only through real
    /// directories opened with `O_NOFOLLOW`: a link anywhere in the tree (even one swapped in for a directory
    /// while this runs) is removed itself, and nothing outside the tree is touched.
    /// - Parameter name: One path component.
    public func removeTree(_ name: [UInt8]) {
        self.removeTree(name, depth: 0)
    }

    private func removeTree(_ name: [UInt8], depth: Int) {
        guard Self.isPlainName(name) else { return }
        if self.unlink(name) != EISDIR { return }
        // A directory (EISDIR is Linux's answer for unlinkat without AT_REMOVEDIR on one): empty it, then remove it.
        if depth < Self.maximumRemovalDepth, let child = try? self.subdirectory(name) {
            for entry in child.entries() {
                child.removeTree(entry, depth: depth + 1)
            }
        }
        _ = Self.withName(name) { unlinkat(self.descriptor, $0, AT_REMOVEDIR) }
    }

    /// The names in this directory, `.` and `..` left out.
    public func entries() -> [[UInt8]] {
        // fdopendir takes the descriptor over; give it a copy.
        let copy = dup(self.descriptor)
        guard copy >= 0 else { return [] }
        guard let stream = fdopendir(copy) else {
            close(copy)
            return []
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if !name.elementsEqual(".".utf8) && !name.elementsEqual("..".utf8) { names.append(name) }
        }
        return names
    }

    /// The status of entry `name`, the entry itself rather than what a link there points to.
    /// - Returns: Its status, or `nil` when it does not exist or cannot be read.
    public func entryStatus(_ name: [UInt8]) -> stat? {
        var info = stat()
        let result = Self.withName(name) { fstatat(self.descriptor, $0, &info, AT_SYMLINK_NOFOLLOW) }
        return result == 0 ? info : nil
    }

    /// Opens the regular file `name` for reading without following a link.
    /// - Returns: The descriptor (the caller closes it), or the errno value.
    public func openFile(_ name: [UInt8]) -> Result<Int32, Failure> {
        let descriptor = Self.withName(name) { openat(self.descriptor, $0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard descriptor >= 0 else {
            return .failure(
                Failure(.systemError, "cannot open \(self.display(name)): \(ExecProcess.describe(errno))")
            )
        }
        return .success(descriptor)
    }

    /// `path/name`, readable.
    func display(_ name: [UInt8]) -> String {
        self.path + "/" + String(decoding: name, as: UTF8.self)
    }

    /// Calls `body` with `bytes` as a NUL-terminated C string.
    static func withName<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { body($0) }
        }
    }
}
