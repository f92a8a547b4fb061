internal import Glibc

#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// An OpenSSH `known_hosts` file read line by line, so that one bad line is reported with its number and skipped
/// rather than ending the reading (libssh2's `libssh2_knownhost_readfile` stops at the first line it cannot
/// parse, which silently made every later host "unknown").
///
/// Host names are matched by libssh2, one line at a time (plain, comma lists, hashed `|1|…`, `[host]:port`);
/// keys are compared here, byte for byte. `@revoked` lines are honoured for every host: a revoked key is never
/// accepted, whatever host patterns its line names. `@cert-authority` lines are skipped (Fanout does not use
/// host certificates).
public struct KnownHostsDocument: Sendable {
    /// One line of the file.
    public struct Line: Sendable, Equatable {
        /// What a line holds.
        public enum Kind: Sendable, Equatable {
            /// Empty, or a comment.
            case blank
            /// `HOSTS KEYTYPE BASE64 [COMMENT]`.
            case key
            /// `@revoked HOSTS KEYTYPE BASE64 [COMMENT]`: the key must never be accepted.
            case revoked
            /// `@cert-authority …`: not used by Fanout.
            case certificateAuthority
            /// A line that cannot be read, with the reason.
            case malformed(String)
        }

        /// The 1-based line number.
        public var number: Int
        /// The line's text, without its newline.
        public var text: String
        /// What it holds.
        public var kind: Kind
        /// The host patterns field (for `key` and `revoked` lines).
        public var hostPatterns: String = ""
        /// The key type field, e.g. `ssh-ed25519`.
        public var keyType: String = ""
        /// The key blob, base64-encoded as in the file.
        public var keyBase64: String = ""
        /// The decoded key blob.
        public var keyBlob: [UInt8] = []
    }

    /// The file's expanded path.
    public var path: String
    /// Every line, in order.
    public var lines: [Line]

    /// The lines that could not be read, each as `PATH:LINE: reason`.
    public var problems: [String] {
        self.lines.compactMap { line in
            guard case .malformed(let reason) = line.kind else { return nil }
            return "\(self.path):\(line.number): \(reason); the line is skipped"
        }
    }

    /// The most bytes read from a known_hosts file: a few thousand hosts take well under a MiB.
    public static let maximumFileBytes = 16 * 1024 * 1024

    /// Reads a file. A missing file is an empty document.
    ///
    /// - Parameter path: The file; a leading `~` is expanded.
    /// - Returns: The document, every line classified; lines libssh2 rejects are found when matching.
    /// - Throws: `KnownHostsFileError` when the file exists but cannot be read, or is larger than
    ///   ``maximumFileBytes``.
    public static func load(path: String) throws -> KnownHostsDocument {
        let path = PathExpansion.expandingTilde(path)
        return KnownHostsDocument(path: path, bytes: try Self.readBytes(path: path))
    }

    /// A file's bytes, empty when it does not exist, at most ``maximumFileBytes``.
    static func readBytes(path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return [] }
            throw KnownHostsFileError(path: path, reason: String(cString: strerror(errno)), reading: true)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw KnownHostsFileError(path: path, reason: String(cString: strerror(errno)), reading: true)
            }
            if count == 0 { return bytes }
            bytes += buffer[0..<count]
            guard bytes.count <= Self.maximumFileBytes else {
                throw KnownHostsFileError(
                    path: path,
                    reason: "larger than \(Self.maximumFileBytes) bytes",
                    reading: true
                )
            }
        }
    }

    /// Parses file contents.
    ///
    /// - Parameters:
    ///   - path: The path, for messages.
    ///   - bytes: The contents.
    public init(path: String, bytes: [UInt8]) {
        var lines: [Line] = []
        var number = 0
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var text = raw[...]
            if text.last == UInt8(ascii: "\r") { text = text.dropLast() }
            lines.append(Self.parse(number: number, bytes: Array(text)))
        }
        // A final newline leaves one empty "line" after it, which is not a line of the file.
        if bytes.last == UInt8(ascii: "\n") || bytes.isEmpty { lines.removeLast() }
        self.init(path: path, lines: lines)
    }

    /// Creates a document from lines.
    ///
    /// - Parameters:
    ///   - path: The path, for messages.
    ///   - lines: The lines.
    public init(path: String, lines: [Line]) {
        self.path = path
        self.lines = lines
    }

    private static func parse(number: Int, bytes: [UInt8]) -> Line {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return Line(number: number, text: String(decoding: bytes, as: UTF8.self), kind: .malformed("not UTF-8"))
        }
        var line = Line(number: number, text: text, kind: .blank)
        var fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = fields.first, !first.hasPrefix("#") else { return line }
        if first.hasPrefix("@") {
            switch first {
            case "@revoked": line.kind = .revoked
            case "@cert-authority":
                line.kind = .certificateAuthority
                return line
            default:
                line.kind = .malformed("unknown marker \(first.prefix(40))")
                return line
            }
            fields.removeFirst()
        } else {
            line.kind = .key
        }
        guard fields.count >= 3 else {
            line.kind = .malformed("expected HOSTS KEY-TYPE BASE64-KEY, found \(fields.count) field(s)")
            return line
        }
        guard let blob = Data(base64Encoded: fields[2]), !blob.isEmpty else {
            line.kind = .malformed("the key is not valid base64")
            return line
        }
        let blobBytes = [UInt8](blob)
        guard Self.embeddedKeyType(blobBytes) == fields[1] else {
            line.kind = .malformed("the key is not a \(fields[1].prefix(40)) key")
            return line
        }
        line.hostPatterns = fields[0]
        line.keyType = fields[1]
        line.keyBase64 = fields[2]
        line.keyBlob = blobBytes
        return line
    }

    /// An SSH public key blob starts with its type name as an SSH string (a 32-bit length, then the name).
    private static func embeddedKeyType(_ blob: [UInt8]) -> String? {
        guard blob.count >= 4 else { return nil }
        let length = blob[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard length <= 64, blob.count >= 4 + length else { return nil }
        return String(validating: blob[4..<(4 + length)], as: UTF8.self)
    }
}
