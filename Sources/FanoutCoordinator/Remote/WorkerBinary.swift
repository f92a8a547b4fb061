import FanoutProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The worker executable copied to remote hosts, with the facts preflight compares against each host.
public struct WorkerBinary: Sendable, Equatable {
    /// Local path.
    public var path: String
    /// Lower-case hex SHA-256; also the file name on hosts: `~/.cache/fanout/fanout-worker-<sha256>`.
    public var digest: String
    /// Size in bytes.
    public var size: Int
    /// The CPU architecture it was built for (from its ELF header; this machine's `uname -m` when unnamed there).
    public var architecture: String
    /// The glibc it was linked against (this machine's); hosts need at least this version unless ``isStatic``.
    public var minimumGlibc: String
    /// Fully static (no program interpreter, no needed library): runs on any host libc, or none.
    public var isStatic: Bool = false
    /// The oldest Linux kernel it runs on (its ELF ABI note, e.g. `3.2.0`), when it names one.
    public var minimumKernel: String?

    /// What hosts need, for messages: `static, Linux ≥ 3.2.0` or `glibc ≥ 2.36`.
    public var requirement: String {
        guard self.isStatic else { return "glibc ≥ \(self.minimumGlibc)" }
        return self.minimumKernel.map { "static, Linux ≥ \($0)" } ?? "static"
    }

    /// Where the binary lives on a host, relative to the login user's home directory.
    public var remotePath: String { "\(Self.remoteDirectory)/fanout-worker-\(self.digest)" }

    /// The cache directory on hosts, relative to the home directory.
    public static let remoteDirectory = ".cache/fanout"

    /// Finds and hashes the worker binary.
    ///
    /// Order: `ssh.worker_binary`; `fanout-worker-static` next to the running executable; `.build-static/fanout-worker`
    /// in a parent directory (what `deploy/build-worker.sh` writes); `fanout-worker` next to the running executable if it
    /// is linked with the static Swift standard library.
    /// - Parameter configured: `ssh.worker_binary`, if set.
    /// - Returns: The binary.
    /// - Throws: ``ClusterError`` with code `workerExecutable` naming the paths tried and how to build one.
    public static func locate(configured: String?) throws -> WorkerBinary {
        let directory = WorkerExecutable.currentExecutableDirectory()
        var candidates: [String] = []
        if let configured { candidates.append(Self.expandTilde(configured)) }
        candidates.append(directory + "/fanout-worker-static")
        var parent = directory
        for _ in 0..<5 {
            parent = WorkerExecutable.parent(of: parent)
            guard !parent.isEmpty else { break }
            candidates.append(parent + "/.build-static/fanout-worker")
        }
        for path in candidates where access(path, X_OK) == 0 {
            return try Self.describe(path: path)
        }
        let sibling = directory + "/fanout-worker"
        if access(sibling, X_OK) == 0, Self.isStaticallyLinked(sibling) {
            return try Self.describe(path: sibling)
        }
        throw ClusterError(
            .workerExecutable,
            "no worker binary for remote hosts: build one with `bash deploy/build-worker.sh` "
                + "(release, fully static) or set ssh.worker_binary; looked at "
                + candidates.joined(separator: ", ")
        )
    }

    /// Describes a given file.
    public static func describe(path: String) throws -> WorkerBinary {
        let digest: String
        do {
            digest = try FileDigestCache.digest(ofFile: path)
        } catch {
            throw ClusterError(.workerExecutable, "cannot read worker binary \(path): \(error.message)")
        }
        // The size from the end offset rather than `stat`: this module also sees X509's CoreFoundation, whose copy
        // of `struct stat` the release (whole-module) build then insists on importing by name.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        let size = descriptor >= 0 ? max(0, Int(lseek(descriptor, 0, SEEK_END))) : 0
        if descriptor >= 0 { close(descriptor) }
        let linkage = ExecutableLinkage.read(path: path)
        return WorkerBinary(
            path: path,
            digest: digest,
            size: size,
            architecture: linkage?.architecture ?? Self.localArchitecture(),
            minimumGlibc: Self.localGlibc(),
            isStatic: linkage?.isStatic ?? false,
            minimumKernel: linkage?.minimumKernel
        )
    }

    /// This machine's `uname -m`.
    public static func localArchitecture() -> String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: &names.machine) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// This machine's glibc version, e.g. `2.36`.
    public static func localGlibc() -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = confstr(Int32(_CS_GNU_LIBC_VERSION), &buffer, buffer.count)
        guard length > 0 else { return "0" }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: " ").last.map(String.init) ?? text
    }

    /// Compares dotted versions numerically: `2.36` < `2.4` is false.
    public static func version(_ left: String, isAtLeast right: String) -> Bool {
        let a = left.split(separator: ".").map { Int($0) ?? 0 }
        let b = right.split(separator: ".").map { Int($0) ?? 0 }
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            if x != y { return x > y }
        }
        return true
    }

    /// A binary linked with the static Swift stdlib does not name `libswiftCore.so` among its libraries.
    static func isStaticallyLinked(_ path: String) -> Bool {
        guard let file = fopen(path, "rb") else { return false }
        defer { fclose(file) }
        let needle = Array("libswiftCore.so".utf8)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var carry: [UInt8] = []
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { return true }
            let window = carry + buffer[0..<count]
            if window.firstRange(of: needle) != nil { return false }
            carry = Array(window.suffix(needle.count - 1))
        }
    }

    static func expandTilde(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = getenv("HOME") else { return path }
        return String(cString: home) + path.dropFirst()
    }
}
