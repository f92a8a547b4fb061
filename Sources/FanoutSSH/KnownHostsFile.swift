internal import Glibc

/// Writing OpenSSH `known_hosts` entries, for `fanout hosts trust`.
public enum KnownHostsFile {
    /// The line to append to `known_hosts` for a host and its key, in OpenSSH's format.
    ///
    /// - Parameters:
    ///   - host: The host name or address, as the coordinator will connect to it.
    ///   - port: The SSH port; a non-standard port gives the `[host]:port` form.
    ///   - key: The host key.
    /// - Returns: `host key-type base64`, or `[host]:port key-type base64` when `port` is not 22.
    public static func entry(host: String, port: Int, key: SSHHostKey) -> String {
        let name = port == 22 ? host : "[\(host)]:\(port)"
        return "\(name) \(key.type) \(key.base64)"
    }

    /// Appends an entry as one line, creating the file (mode 0600) and its directory (mode 0700) if needed.
    ///
    /// - Parameters:
    ///   - entry: A line from `entry(host:port:key:)`.
    ///   - path: The `known_hosts` file; a leading `~` is expanded.
    /// - Throws: `KnownHostsFileError` naming the path and the system's reason.
    public static func append(_ entry: String, to path: String) throws {
        let path = PathExpansion.expandingTilde(path)
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try self.createDirectories(String(path[..<slash]))
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw KnownHostsFileError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        // A file whose last line lacks a newline would otherwise have the new entry glued onto it.
        var status = stat()
        var line = entry + "\n"
        if fstat(descriptor, &status) == 0, status.st_size > 0 {
            let reader = open(path, O_RDONLY | O_CLOEXEC)
            if reader >= 0 {
                var last: UInt8 = 0
                if pread(reader, &last, 1, status.st_size - 1) == 1, last != UInt8(ascii: "\n") { line = "\n" + line }
                close(reader)
            }
        }
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw KnownHostsFileError(path: path, reason: String(cString: strerror(errno))) }
            offset += written
        }
    }

    /// Replaces lines of the file with one new entry: the lines are removed, the entry is appended, and the result
    /// takes the file's place atomically (a temporary file in the same directory, then `rename`), with the file's
    /// mode (and, for root, its owner) kept. A symbolic link to the file is followed, and stays a link.
    ///
    /// - Parameters:
    ///   - lineNumbers: The 1-based numbers of the lines to remove (the host's old keys).
    ///   - entry: A line from `entry(host:port:key:)`.
    ///   - path: The `known_hosts` file; a leading `~` is expanded. It must exist.
    /// - Throws: `KnownHostsFileError` naming the path and the system's reason; the file is unchanged then.
    public static func replace(lines lineNumbers: Set<Int>, with entry: String, in path: String) throws {
        let given = PathExpansion.expandingTilde(path)
        guard let resolved = realpath(given, nil) else {
            throw KnownHostsFileError(path: given, reason: String(cString: strerror(errno)))
        }
        let target = String(cString: resolved)
        free(resolved)
        let reader = open(target, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard reader >= 0 else { throw KnownHostsFileError(path: target, reason: String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(reader, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(reader)
            throw KnownHostsFileError(path: target, reason: "not a regular file")
        }
        close(reader)
        // Bytes, not parsed lines: every line kept is kept exactly, even one that is not UTF-8.
        let original = try KnownHostsDocument.readBytes(path: target)
        var pieces = original.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // A final newline leaves an empty piece after it, which is not a line.
        if original.last == UInt8(ascii: "\n") || original.isEmpty { pieces.removeLast() }
        var kept: [UInt8] = []
        for (index, line) in pieces.enumerated() where !lineNumbers.contains(index + 1) {
            kept += line + [UInt8(ascii: "\n")]
        }
        let bytes = kept + Array((entry + "\n").utf8)

        let directory = target.lastIndex(of: "/").map { String(target[..<$0]) } ?? "."
        var template = Array((directory + "/.known_hosts.fanout-XXXXXX").utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else {
            throw KnownHostsFileError(path: directory, reason: String(cString: strerror(errno)))
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            if geteuid() == 0 { _ = fchown(descriptor, status.st_uid, status.st_gid) }
            guard fchmod(descriptor, status.st_mode & 0o7777) == 0 else {
                throw KnownHostsFileError(path: temporary, reason: String(cString: strerror(errno)))
            }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard written > 0 else {
                    throw KnownHostsFileError(path: temporary, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
            guard fsync(descriptor) == 0 else {
                throw KnownHostsFileError(path: temporary, reason: String(cString: strerror(errno)))
            }
        }
        guard rename(temporary, target) == 0 else {
            throw KnownHostsFileError(path: target, reason: String(cString: strerror(errno)))
        }
        renamed = true
    }

    private static func createDirectories(_ directory: String) throws {
        var status = stat()
        if stat(directory, &status) == 0 { return }
        if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            try self.createDirectories(String(directory[..<slash]))
        }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw KnownHostsFileError(path: directory, reason: String(cString: strerror(errno)))
        }
    }
}
