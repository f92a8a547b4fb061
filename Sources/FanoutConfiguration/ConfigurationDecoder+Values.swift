import Yams

extension ConfigurationDecoder {
    /// Reads an integer written in plain decimal (underscores allowed between digits, as in `16_777_216`).
    ///
    /// Quoted numbers are rejected rather than converted, so `port: "22"` is caught as the type mistake it usually
    /// is; YAML 1.1 octal (`022`) and hex forms are not accepted, so `022` means 22.
    func integer(_ node: Node, field: String, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let text = try integerText(node, field: field, expected: "an integer")
        guard let value = Int(text.filter { $0 != "_" }), range.contains(value) else {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "must be between \(range.lowerBound) and \(range.upperBound), got \(Self.abbreviate(text))"
            )
        }
        return value
    }

    /// Reads `auto` or an integer of at least `minimum` and at most ``WorkerCount/maximum``.
    func workerCount(_ node: Node, field: String, minimum: Int) throws(ConfigurationError) -> WorkerCount {
        if case .scalar(let scalar) = node, scalar.string == "auto" {
            return .auto
        }
        let text = try integerText(node, field: field, expected: "'auto' or an integer")
        guard let value = Int(text.filter { $0 != "_" }), (minimum...WorkerCount.maximum).contains(value) else {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "must be 'auto' or between \(minimum) and \(WorkerCount.maximum), got \(Self.abbreviate(text))"
            )
        }
        return .count(value)
    }

    /// Reads a duration in seconds: a plain decimal number from ``minimumSeconds`` (a millisecond) to
    /// ``maximumSeconds`` (a day).
    ///
    /// The range keeps every later conversion safe: whole milliseconds in an `Int64` or a `UInt32` never overflow,
    /// and no duration rounds down to zero (a zero heartbeat interval would spin). `inf` and `nan` are not numbers
    /// here, and `1e300` is out of range.
    func seconds(_ node: Node, field: String) throws(ConfigurationError) -> Double {
        let expected = "a number of seconds"
        guard case .scalar(let scalar) = node else {
            throw error(.wrongType, at: node, field: field, "expected \(expected), got \(describe(node))")
        }
        let text = scalar.string
        let allowed = Set("0123456789._+-eE")
        guard scalar.style == .plain, !isNull(node), text.allSatisfy(allowed.contains),
            text.contains(where: \.isNumber), let value = Double(text.filter { $0 != "_" })
        else {
            throw error(.wrongType, at: node, field: field, "expected \(expected), got \(describe(node))")
        }
        guard value.isFinite, value >= Self.minimumSeconds, value <= Self.maximumSeconds else {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "must be between \(Self.format(Self.minimumSeconds)) and \(Self.format(Self.maximumSeconds)) seconds, "
                    + "got \(Self.abbreviate(text))"
            )
        }
        return value
    }

    /// Reads a boolean: `true` or `false` only (not `yes`/`no`/`on`, which YAML 1.1 readers disagree about).
    func boolean(_ node: Node, field: String) throws(ConfigurationError) -> Bool {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            throw error(.wrongType, at: node, field: field, "expected true or false, got \(describe(node))")
        }
        switch scalar.string {
        case "true": return true
        case "false": return false
        default:
            throw error(
                .wrongType,
                at: node,
                field: field,
                "expected true or false, got '\(Self.abbreviate(scalar.string))'"
            )
        }
    }

    /// Reads a required string; any scalar is taken as written, but null is rejected.
    func string(_ node: Node, field: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            throw error(.wrongType, at: node, field: field, "expected a string, got \(describe(node))")
        }
        return scalar.string
    }

    /// Reads an optional string: null (or an empty value) means unset; an empty quoted string is rejected because
    /// it would be passed on as an empty user name or key path.
    func optionalString(_ node: Node, field: String) throws(ConfigurationError) -> String? {
        if isNull(node) {
            return nil
        }
        let value = try string(node, field: field)
        if value.isEmpty {
            throw error(.invalidValue, at: node, field: field, "must not be empty; use null to leave it unset")
        }
        return value
    }

    /// The name of a mapping key; keys must be scalars.
    func keyName(_ node: Node, in field: String?) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else {
            throw error(.wrongType, at: node, field: field, "keys must be plain names, got \(describe(node))")
        }
        return scalar.string
    }

    /// Whether `node` is YAML null: `null`, `~` or nothing at all, unquoted.
    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            return false
        }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// A short phrase for a node in messages: `'abc'`, `a mapping`, `a list`, `an empty value`.
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping:
            return "a mapping"
        case .sequence:
            return "a list"
        case .alias:
            return "an alias"
        case .scalar(let scalar):
            if scalar.style == .plain, scalar.string.isEmpty {
                return "an empty value"
            }
            if isNull(node) {
                return "null"
            }
            let text = "'\(Self.abbreviate(scalar.string))'"
            switch scalar.style {
            case .singleQuoted, .doubleQuoted:
                return "the quoted string \(text)"
            case .literal, .folded:
                return "the block string \(text)"
            default:
                return text
            }
        }
    }

    /// The text of an integer-looking scalar, or a `wrongType` error explaining what was expected instead.
    private func integerText(_ node: Node, field: String, expected: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else {
            throw error(.wrongType, at: node, field: field, "expected \(expected), got \(describe(node))")
        }
        let text = scalar.string
        guard Self.looksLikeDecimalInteger(text) else {
            throw error(.wrongType, at: node, field: field, "expected \(expected), got \(describe(node))")
        }
        guard scalar.style == .plain else {
            throw error(
                .wrongType,
                at: node,
                field: field,
                "expected \(expected), got \(describe(node)); write numbers without quotes"
            )
        }
        return text
    }

    /// An optional sign, then digits with single underscores between them.
    private static func looksLikeDecimalInteger(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "-" || digits.first == "+" {
            digits = digits.dropFirst()
        }
        guard let first = digits.first, let last = digits.last, first.isASCII, first.isNumber,
            last.isASCII, last.isNumber
        else {
            return false
        }
        return digits.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "_" } && !digits.contains("__")
    }

    /// `text` cut to a readable length with control characters made visible, for quoting in messages.
    static func abbreviate(_ text: String) -> String {
        let limit = 40
        var result = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            switch scalar {
            case "\n":
                result += "\\n"
            case "\t":
                result += "\\t"
            case "\r":
                result += "\\r"
            default:
                if Self.isControl(scalar) {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return text.unicodeScalars.count > limit ? result + "…" : result
    }

    /// A number of seconds as a person would write it: `5`, not `5.0`.
    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 {
            return String(Int(value))
        }
        return String(value)
    }
}
