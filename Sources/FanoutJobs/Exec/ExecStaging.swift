import Crypto
import FanoutProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An `exec` job's place on its host: `$TMPDIR/fanout-exec-<uid>/jobs/<run>-<seq>-XXXXXX`, with the staged files
/// linked in from the host's cache (`…/cache/<sha256>`, read-only, written once per content per host).
struct ExecStaging {
    /// Why a file could not be staged or returned.
    struct Failure: Error {
        var message: String
    }

    /// The job's working directory.
    let directory: String
    private let cacheDirectory: String

    /// The per-user root of everything `fanout exec` keeps on a host.
    static var root: String {
        var base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        if base.isEmpty { base = "/tmp" }
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        return "\(base)/fanout-exec-\(getuid())"
    }

    /// Creates the working directory and places every file of `input` in it.
    /// - Parameter input: The job.
    /// - Throws: ``Failure`` naming the file or directory that could not be made.
    init(for input: ExecInput) throws(Failure) {
        let root = Self.root
        self.cacheDirectory = root + "/cache"
        try Self.makeDirectories(root + "/jobs")
        try Self.makeDirectories(self.cacheDirectory)
        let safeRun = String(input.runID.filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
        var template = Array("\(root)/jobs/\(safeRun)-\(input.sequence)-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw Failure(message: "cannot create a working directory under \(root)/jobs: \(Self.lastError())")
        }
        self.directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            for file in input.files {
                try self.place(file)
            }
        } catch {
            // The job will not run: leave nothing behind.
            Self.removeTree(self.directory)
            throw error
        }
    }

    private func place(_ file: StagedFile) throws(Failure) {
        let relative = String(decoding: file.path, as: UTF8.self)
        guard Self.isSafeRelativePath(file.path) else {
            throw Failure(message: "refusing to stage '\(relative)': not a relative path inside the job's directory")
        }
        let actual = Hex.encode(SHA256.hash(data: file.contents))
        guard actual == file.digest else {
            throw Failure(message: "'\(relative)' arrived with SHA-256 \(actual), expected \(file.digest)")
        }
        let destination = self.directory + "/" + relative
        if let slash = destination.lastIndex(of: "/") {
            try Self.makeDirectories(String(destination[..<slash]))
        }
        let cached = self.cacheDirectory + "/" + file.digest
        if access(cached, F_OK) != 0 {
            // Written under a private name first, so a concurrent job never links a half-written file.
            let temporary = "\(cached).\(getpid()).\(pthread_self()).partial"
            try Self.write(file.contents, to: temporary, mode: 0o444)
            if rename(temporary, cached) != 0 {
                unlink(temporary)
            }
        }
        // A hard link shares the cached copy (read-only, so a job cannot change it for later jobs); when that is
        // impossible (another file system, the entry was just cleaned up) the job gets its own copy.
        if link(cached, destination) != 0 {
            try Self.write(file.contents, to: destination, mode: 0o644)
        }
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
            guard Self.isSafeRelativePath(path) else {
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
    /// the host's other jobs).
    func remove(staged files: [StagedFile]) {
        Self.removeTree(self.directory)
        for file in files where !file.isBasefile {
            unlink(self.cacheDirectory + "/" + file.digest)
        }
    }

    static func isSafeRelativePath(_ path: [UInt8]) -> Bool {
        guard !path.isEmpty, path.first != UInt8(ascii: "/"), !path.contains(0) else { return false }
        return !path.split(separator: UInt8(ascii: "/")).contains { $0.elementsEqual("..".utf8) }
    }

    static func makeDirectories(_ path: String) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw Failure(message: "cannot create directory \(prefix): \(lastError())")
            }
        }
    }

    static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(message: "cannot create \(path): \(lastError())") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "cannot write \(path): \(lastError())")
            }
            offset += written
        }
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

    /// Removes a directory tree without following symbolic links.
    static func removeTree(_ path: String) {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != ".." else { continue }
                let child = path + "/" + name
                var info = stat()
                if lstat(child, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                    removeTree(child)
                } else {
                    unlink(child)
                }
            }
            closedir(directory)
        }
        rmdir(path)
    }

    static func lastError() -> String { ExecProcess.describe(errno) }
}
