import Yams

/// Reading `env:` mappings, the variables command jobs get, globally and per host.
///
/// Names are the portable shell-variable form, so a name can never carry `=` or pose as something else in an
/// environment block; values may be any text but control characters (a tab is allowed), so a value cannot end a
/// line or hide what it holds in a terminal.
extension ConfigurationDecoder {
    /// Reads an `env:` mapping of `NAME: value`; null (or an empty value) means no variables.
    ///
    /// Values are taken as written, so `OMP_NUM_THREADS: 1` is the text `1` and `DEBUG: true` the text `true`.
    func environment(_ node: Node, field: String) throws(ConfigurationError) -> [String: String] {
        if isNull(node) {
            return [:]
        }
        guard case .mapping = node else {
            throw error(
                .wrongType,
                at: node,
                field: field,
                "expected a mapping of variable names to values, such as '{ OMP_NUM_THREADS: 1 }', got "
                    + describe(node)
            )
        }
        let reader = try MappingReader(anyKeys: node, field: field, decoder: self)
        let limit = ClusterConfiguration.maximumEnvironmentVariables
        if reader.keys.count > limit {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "sets \(reader.keys.count) variables; the limit is \(limit)"
            )
        }
        var variables: [String: String] = [:]
        for name in reader.keys {
            let variableField = reader.field(Self.abbreviate(name))
            try checkVariableName(name, at: reader.keyNode(name) ?? node, field: variableField)
            guard let valueNode = reader[name] else {
                continue
            }
            variables[name] = try variableValue(valueNode, field: variableField)
        }
        return variables
    }

    /// Throws unless `name` matches `[A-Za-z_][A-Za-z0-9_]*` and is at most
    /// ``ClusterConfiguration/maximumEnvironmentNameLength`` characters long.
    private func checkVariableName(_ name: String, at node: Node, field: String) throws(ConfigurationError) {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, Self.isNameStart(first), scalars.allSatisfy(Self.isNameContinuation) else {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "must be a variable name (ASCII letters, digits and '_', not starting with a digit), "
                    + "got '\(Self.abbreviate(name))'"
            )
        }
        let limit = ClusterConfiguration.maximumEnvironmentNameLength
        if scalars.count > limit {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "is a variable name \(scalars.count) characters long; the limit is \(limit)"
            )
        }
    }

    /// Reads one variable's value: a scalar, without control characters other than tab, at most
    /// ``ClusterConfiguration/maximumEnvironmentValueBytes`` bytes of UTF-8.
    private func variableValue(_ node: Node, field: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else {
            throw error(.wrongType, at: node, field: field, "expected a value, got \(describe(node))")
        }
        if isNull(node) {
            throw error(
                .wrongType,
                at: node,
                field: field,
                "expected a value, got \(describe(node)); write '' for an empty value"
            )
        }
        let value = scalar.string
        let offending = value.unicodeScalars.enumerated().first { $0.element != "\t" && Self.isControl($0.element) }
        if let (offset, character) = offending {
            var hex = String(character.value, radix: 16, uppercase: true)
            hex = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "must not contain control characters other than tab (U+\(hex) at character \(offset + 1)), "
                    + "got '\(Self.abbreviate(value))'"
            )
        }
        let limit = ClusterConfiguration.maximumEnvironmentValueBytes
        if value.utf8.count > limit {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "is \(value.utf8.count) bytes long; the limit is \(limit)"
            )
        }
        return value
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "_":
            return true
        default:
            return false
        }
    }

    private static func isNameContinuation(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar)
    }
}
