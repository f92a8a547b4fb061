import Crypto
import FanoutProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An `exec` job's place on its host: `$TMPDIR/fanout-exec-<uid>/jobs/<run>-<seq>-<random>`, with the staged files
/// linked in from the host's cache (`…/cache/<sha256>`, read-only, written once per content per host).
///
/// Hosts are shared: another user may have created the root before us, planted a cache entry, or swapped a
/// directory for a link. So the root and its `jobs` and `cache` directories must be ours and mode 0700 (checked on
/// the directory actually opened, with `O_NOFOLLOW`: a link is refused, never followed), or the job is refused; a
/// cache entry is used only when it is a regular file of ours holding exactly the bytes that arrived; and every
/// file operation below the root goes through directory descriptors without following links, removal included.
struct ExecStaging {
    /// Why a file could not be staged or returned.
    struct Failure: Error {
        var message: String
    }

    /// The job's working directory.
    let directory: String
    private let jobs: DirectoryHandle
    private let jobName: [UInt8]
    private let job: DirectoryHandle
    private let cache: DirectoryHandle

    /// The per-user root of everything `fanout exec` keeps on a host.
    static var root: String {
        var base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        if base.isEmpty { base = "/tmp" }
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        return "\(base)/fanout-exec-\(getuid())"
    }

    /// Opens the staging root, creating it (mode 0700) when it does not exist, and refuses one that is not
    /// private to this user.
    /// - Returns: The open root.
    /// - Throws: ``Failure`` saying what is wrong with it.
    static func openRoot() throws(Failure) -> DirectoryHandle {
        let path = Self.root
        let slash = path.lastIndex(of: "/")!
        let parentPath = slash == path.startIndex ? "/" : String(path[..<slash])
        let name = Array(path[path.index(after: slash)...].utf8)
        do throws(DirectoryHandle.Failure) {
            let parent = try DirectoryHandle.open(parentPath)
            let info = try parent.status()
            // In a directory others may write to without the sticky bit, they could rename our root away and put
            // their own in its place after we checked it.
            if info.st_mode & 0o022 != 0 && info.st_mode & S_ISVTX == 0 {
                throw DirectoryHandle.Failure(
                    .notPrivate,
                    "\(parentPath) (the staging root's parent, $TMPDIR) is writable by others and not sticky: refusing"
                )
            }
            try parent.makeDirectory(name, mode: 0o700)
            let root: DirectoryHandle
            do {
                root = try parent.subdirectory(name)
            } catch  where error.code == .notADirectory {
                throw DirectoryHandle.Failure(
                    .notADirectory,
                    "staging root \(path) is a symbolic link or not a directory: refusing"
                )
            }
            try root.requirePrivate("staging root")
            return root
        } catch {
            throw Failure(message: error.message)
        }
    }

    /// Creates the working directory and places every file of `input` in it.
    /// - Parameter input: The job.
    /// - Throws: ``Failure`` naming the file or directory that could not be made or is not private.
    init(for input: ExecInput) throws(Failure) {
        let root = try Self.openRoot()
        do throws(DirectoryHandle.Failure) {
            self.jobs = try Self.privateSubdirectory("jobs", of: root)
            self.cache = try Self.privateSubdirectory("cache", of: root)
        } catch {
            throw Failure(message: error.message)
        }
        let safeRun = String(input.runID.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(64))
        var made: (name: [UInt8], handle: DirectoryHandle)?
        for _ in 0..<100 where made == nil {
            let suffix = String(UInt64.random(in: 0...UInt64.max) & 0xffff_ffff_ffff, radix: 36)
            let name = Array("\(safeRun)-\(input.sequence)-\(suffix)".utf8)
            do {
                if try self.jobs.makeDirectory(name, mode: 0o700) {
                    made = (name, try self.jobs.subdirectory(name))
                }
            } catch {
                throw Failure(message: "cannot create a working directory under \(self.jobs.path): \(error.message)")
            }
        }
        guard let made else { throw Failure(message: "cannot find a free working directory name in \(self.jobs.path)") }
        self.jobName = made.name
        self.job = made.handle
        self.directory = made.handle.path
        do {
            for file in input.files {
                try self.place(file)
            }
        } catch {
            // The job will not run: leave nothing behind.
            self.jobs.removeTree(self.jobName)
            throw error
        }
    }

    /// `name` below the root, created 0700 when missing, refused when not private.
    private static func privateSubdirectory(
        _ name: String,
        of root: DirectoryHandle
    ) throws(DirectoryHandle.Failure) -> DirectoryHandle {
        try root.makeDirectory(Array(name.utf8), mode: 0o700)
        let directory = try root.subdirectory(Array(name.utf8))
        try directory.requirePrivate("staging directory")
        return directory
    }

    private func place(_ file: StagedFile) throws(Failure) {
        let relative = String(decoding: file.path, as: UTF8.self)
        guard DirectoryHandle.isSafeRelativePath(file.path) else {
            throw Failure(message: "refusing to stage '\(relative)': not a relative path inside the job's directory")
        }
        let actual = Hex.encode(SHA256.hash(data: file.contents))
        guard actual == file.digest else {
            throw Failure(message: "'\(relative)' arrived with SHA-256 \(actual), expected \(file.digest)")
        }
        do throws(DirectoryHandle.Failure) {
            var components = file.path.split(separator: UInt8(ascii: "/")).map(Array.init)
            let name = components.removeLast()
            var destination = self.job
            for component in components {
                try destination.makeDirectory(component, mode: 0o700)
                destination = try destination.subdirectory(component)
            }
            let key = Array(actual.utf8)
            if !self.cacheHolds(key, exactly: file.contents) {
                // Written under a fresh name first, so a concurrent job never links a half-written file.
                let temporary = DirectoryHandle.temporaryName()
                try self.cache.createFile(file.contents, named: temporary, mode: 0o444)
                do {
                    try self.cache.rename(temporary, to: key, in: self.cache)
                } catch {
                    self.cache.unlink(temporary)
                }
            }
            // A hard link shares the cached copy (read-only, so a job cannot change it for later jobs); when that
            // is impossible (another file system, the entry was just cleaned up) the job gets its own copy.
            if self.cache.link(key, as: name, in: destination) != 0 {
                try destination.createFile(file.contents, named: name, mode: 0o644)
            }
        } catch {
            throw Failure(message: "cannot stage '\(relative)': \(error.message)")
        }
    }

    /// Whether the cache entry `key` is a regular file of ours, not writable by others, holding exactly `contents`.
    /// Anything else there (a planted file, a link, a torn write) is removed, to be written afresh.
    private func cacheHolds(_ key: [UInt8], exactly contents: [UInt8]) -> Bool {
        guard self.cache.entryStatus(key) != nil else { return false }
        guard case .success(let descriptor) = self.cache.openFile(key) else {
            self.cache.unlink(key)
            return false
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == getuid(),
            info.st_mode & 0o022 == 0, info.st_size == contents.count
        else {
            self.cache.unlink(key)
            return false
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var offset = 0
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            guard offset + count <= contents.count,
                buffer.withUnsafeBytes({ read in
                    contents.withUnsafeBytes { expected in
                        memcmp(read.baseAddress!, expected.baseAddress! + offset, count) == 0
                    }
                })
            else {
                self.cache.unlink(key)
                return false
            }
            offset += count
        }
        if offset != contents.count { self.cache.unlink(key) }
        return offset == contents.count
    }

    /// Reads back the files the coordinator asked for.
    /// - Parameters:
    ///   - paths: Paths relative to the working directory.
    ///   - limit: The most bytes to read in all.
    /// - Returns: One entry per path, with its bytes or why they are missing.
    func collect(_ paths: [[UInt8]], limit: Int) -> [ReturnedFile] {
        var budget = limit
        return paths.map { path in
            let relative = String(decoding: path, as: UTF8.self)
            guard DirectoryHandle.isSafeRelativePath(path) else {
                return ReturnedFile(path: path, contents: nil, error: "not a relative path inside the job's directory")
            }
            switch Self.read(self.directory + "/" + relative, limit: budget) {
            case .success(let bytes):
                budget -= bytes.count
                return ReturnedFile(path: path, contents: bytes, error: nil)
            case .failure(let failure):
                return ReturnedFile(path: path, contents: nil, error: failure.message)
            }
        }
    }

    /// Removes the working directory, and the cache entries of the job's `--transfer` files (base files stay for
    /// the host's other jobs), without following any link.
    func remove(staged files: [StagedFile]) {
        self.jobs.removeTree(self.jobName)
        for file in files where !file.isBasefile && Self.isDigest(file.digest) {
            self.cache.unlink(Array(file.digest.utf8))
        }
    }

    /// Whether a name is a lower-case hex SHA-256, the only names the cache holds.
    static func isDigest(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    static func read(_ path: String, limit: Int) -> Result<[UInt8], Failure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(Failure(message: "cannot open: \(lastError())")) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(message: "cannot read: \(lastError())"))
            }
            if count == 0 { return .success(bytes) }
            bytes += buffer[0..<count]
            if bytes.count > limit {
                return .failure(
                    Failure(message: "larger than the \(limit) bytes left in the frame (limits.max_frame_bytes)")
                )
            }
        }
    }

    static func lastError() -> String { ExecProcess.describe(errno) }
}
