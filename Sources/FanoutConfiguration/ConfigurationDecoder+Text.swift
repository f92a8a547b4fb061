import Yams

/// Checks on the strings that reach a command line, a remote shell or a file name: host names, user names, paths.
///
/// Remote command words are quoted where they are built; these checks are the second line of defence, refusing in
/// the file what has no business in a host name or a path (control characters, NUL, a leading `-` that a program
/// would read as an option), so that a mistake or a hostile edit is reported with its line instead of reaching a
/// host.
extension ConfigurationDecoder {
    /// The most characters in a host name, user name or path; a longer value is a mistake.
    static let maximumTextLength = 4096

    /// Throws unless `value` is a host name or IP address: ASCII letters, digits and `.`, `-`, `_`, `:` (IPv6), `%`
    /// (IPv6 zone), not starting with `-`, without control characters.
    func checkHostName(_ value: String, at node: Node, field: String) throws(ConfigurationError) {
        try checkPrintable(value, at: node, field: field)
        if value.contains(where: \.isWhitespace) {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "must be a host name or IP address without spaces, got '\(Self.abbreviate(value))'"
            )
        }
        guard value.first != "-", value.unicodeScalars.allSatisfy(Self.isHostNameScalar) else {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "must be a host name or IP address (ASCII letters, digits, '.', '-', '_', ':', '%', not starting "
                    + "with '-'), got '\(Self.abbreviate(value))'"
            )
        }
    }

    /// Reads an optional login name: ASCII letters, digits, `.`, `_`, `-`, `@`, and a final `$`, not starting with
    /// `-`; null means unset.
    func userName(_ node: Node, field: String) throws(ConfigurationError) -> String? {
        guard let value = try optionalString(node, field: field) else {
            return nil
        }
        try checkPrintable(value, at: node, field: field)
        let body = value.hasSuffix("$") ? value.unicodeScalars.dropLast() : value.unicodeScalars[...]
        guard value.first != "-", !body.isEmpty, body.allSatisfy(Self.isUserNameScalar) else {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "must be a login name (ASCII letters, digits, '.', '_', '-', '@', a final '$', not starting with "
                    + "'-'), got '\(Self.abbreviate(value))'"
            )
        }
        return value
    }

    /// Reads an optional path: any text but control characters; null means unset.
    func optionalPath(_ node: Node, field: String) throws(ConfigurationError) -> String? {
        guard let value = try optionalString(node, field: field) else {
            return nil
        }
        try checkPrintable(value, at: node, field: field)
        return value
    }

    /// Reads a required path: any non-empty text but control characters.
    func path(_ node: Node, field: String) throws(ConfigurationError) -> String {
        let value = try string(node, field: field)
        if value.isEmpty {
            throw error(.invalidValue, at: node, field: field, "must not be empty")
        }
        try checkPrintable(value, at: node, field: field)
        return value
    }

    /// Throws when `value` holds a control character (NUL and line breaks among them), a Unicode line or paragraph
    /// separator or a bidirectional override, or is longer than ``maximumTextLength``.
    func checkPrintable(_ value: String, at node: Node, field: String) throws(ConfigurationError) {
        if let (offset, scalar) = value.unicodeScalars.enumerated().first(where: { Self.isControl($0.element) }) {
            var hex = String(scalar.value, radix: 16, uppercase: true)
            hex = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "must not contain control characters (U+\(hex) at character \(offset + 1)), "
                    + "got '\(Self.abbreviate(value))'"
            )
        }
        let length = value.unicodeScalars.count
        if length > Self.maximumTextLength {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "is \(length) characters long; the limit is \(Self.maximumTextLength)"
            )
        }
    }

    /// Control characters (C0, DEL, C1), line and paragraph separators and the bidirectional controls, which
    /// could end a command or a line, or make a terminal show something other than what is there.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            return true
        default:
            return false
        }
    }

    private static func isHostNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_", ":", "%":
            return true
        default:
            return false
        }
    }

    private static func isUserNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_", "@":
            return true
        default:
            return false
        }
    }
}
