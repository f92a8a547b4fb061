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
