/// Escaping for text that came from a worker or the network (host names, worker ids, error messages, log lines)
/// before it reaches a terminal, a log, a TSV or CSV file.
///
/// A compromised host controls every byte it sends. Written raw, such text could move the cursor or rewrite a
/// terminal line (escape sequences), forge lines in a log or a `--joblog` (newlines, tabs), or run a formula when a
/// CSV file is opened in a spreadsheet. Each function here turns untrusted text into text that is inert in one
/// destination, and bounds its length.
public enum UntrustedText {
    /// The longest text kept, in characters, unless a call says otherwise; longer text ends with `…`.
    public static let defaultCharacterLimit = 1024

    /// Text safe to print on a terminal or in a log line: C0 and C1 control characters, DEL and the Unicode
    /// bidirectional and line/paragraph separators are shown as `\n`, `\t`, `\r`, `\\` or `\u{XX}` escapes.
    /// - Parameters:
    ///   - text: Untrusted text.
    ///   - limit: The most characters kept.
    /// - Returns: Printable text on one line.
    public static func forTerminal(_ text: some StringProtocol, limit: Int = Self.defaultCharacterLimit) -> String {
        Self.escape(text, limit: limit, escapeBackslash: false)
    }

    /// Text safe as one field of a tab-separated line (GNU Parallel's `--joblog`): tab, newline, carriage return
    /// and backslash are written `\t`, `\n`, `\r` and `\\`, other control characters `\u{XX}`, so the field can
    /// neither end early nor start a new line.
    /// - Parameters:
    ///   - text: Untrusted text.
    ///   - limit: The most characters kept.
    /// - Returns: One TSV field.
    public static func forTSVField(_ text: some StringProtocol, limit: Int = Self.defaultCharacterLimit) -> String {
        Self.escape(text, limit: limit, escapeBackslash: true)
    }

    /// One CSV field (RFC 4180): quoted when it holds a comma, quote, or line break, with quotes doubled. A field
    /// that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets
    /// a leading `'`, as OWASP recommends against CSV injection. Control characters other than line breaks are
    /// escaped as on a terminal.
    /// - Parameters:
    ///   - text: Untrusted text.
    ///   - limit: The most characters kept.
    /// - Returns: The field, quoted when needed.
    public static func forCSVField(_ text: some StringProtocol, limit: Int = Self.defaultCharacterLimit) -> String {
        var field = Self.escape(text, limit: limit, escapeBackslash: false, keepLineBreaks: true)
        // A plain number (`-3`, `+1.5e-3`) is data, and spreadsheets read it as a number either way.
        if let first = field.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first),
            !Self.isPlainNumber(field)
        {
            field = "'" + field
        }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return field
        }
        return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
    }

    /// Whether `text` is a decimal number and nothing else: an optional sign, digits, an optional fraction and
    /// exponent.
    static func isPlainNumber(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars[...]
        func digits() -> Int {
            var count = 0
            while let next = scalars.first, ("0"..."9").contains(next) {
                scalars.removeFirst()
                count += 1
            }
            return count
        }
        if let sign = scalars.first, sign == "-" || sign == "+" { scalars.removeFirst() }
        var mantissa = digits()
        if scalars.first == "." {
            scalars.removeFirst()
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if let e = scalars.first, e == "e" || e == "E" {
            scalars.removeFirst()
            if let sign = scalars.first, sign == "-" || sign == "+" { scalars.removeFirst() }
            guard digits() > 0 else { return false }
        }
        return scalars.isEmpty
    }

    /// Whether a scalar must not reach a terminal raw.
    /// - Parameter scalar: One Unicode scalar.
    /// - Returns: `true` for C0/C1 controls, DEL, bidirectional overrides and isolates, and line/paragraph separators.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        // Bidirectional embeddings, overrides and isolates ("Trojan Source"), line and paragraph separators.
        case 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }

    private static func escape(
        _ text: some StringProtocol,
        limit: Int,
        escapeBackslash: Bool,
        keepLineBreaks: Bool = false
    ) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(min(text.utf8.count, limit) + 8)
        var kept = 0
        for scalar in text.unicodeScalars {
            if kept >= max(0, limit) {
                result.unicodeScalars.append("…")
                break
            }
            kept += 1
            switch scalar {
            case "\n" where keepLineBreaks, "\r" where keepLineBreaks:
                result.unicodeScalars.append(scalar)
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\\" where escapeBackslash: result += "\\\\"
            case _ where Self.isUnsafe(scalar):
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
