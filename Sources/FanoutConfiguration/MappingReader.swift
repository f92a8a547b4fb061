import Yams

/// The entries of one YAML mapping, checked against the keys its section allows.
///
/// Construction rejects non-string keys, unknown keys (with a spelling suggestion) and duplicates, and applies
/// `<<` merge keys, so the section decoders only look values up.
struct MappingReader {
    /// A key's node, for positions, and its value.
    struct Entry {
        var keyNode: Node
        var value: Node
    }

    /// The mapping node itself, the position of errors about missing fields.
    let node: Node
    /// The dotted path of the mapping, `nil` for the top level.
    let field: String?
    private var entries: [String: Entry] = [:]
    /// The keys in the order first seen: written ones in file order, then merged ones.
    private(set) var keys: [String] = []

    /// Reads `node`, which must be a mapping.
    /// - Parameters:
    ///   - node: The mapping node.
    ///   - field: The dotted path of the mapping, `nil` for the top level.
    ///   - keys: The keys this mapping may hold.
    ///   - decoder: The decoder, for building errors.
    ///   - hint: Extra advice for an unknown key the suggester cannot place, such as the section it belongs in.
    init(
        _ node: Node,
        field: String?,
        keys: [String],
        decoder: ConfigurationDecoder,
        hint: (String) -> String? = { _ in nil }
    ) throws(ConfigurationError) {
        try self.init(node, field: field, allowedKeys: keys, decoder: decoder, hint: hint)
    }

    /// Reads `node`, a mapping whose keys are names the user chooses (such as environment variables), so any key
    /// is allowed; duplicates and merge keys are handled as in any other mapping.
    /// - Parameters:
    ///   - node: The mapping node.
    ///   - field: The dotted path of the mapping.
    ///   - decoder: The decoder, for building errors.
    init(anyKeys node: Node, field: String?, decoder: ConfigurationDecoder) throws(ConfigurationError) {
        try self.init(node, field: field, allowedKeys: nil, decoder: decoder, hint: { _ in nil })
    }

    /// `allowedKeys` `nil` allows any key.
    private init(
        _ node: Node,
        field: String?,
        allowedKeys keys: [String]?,
        decoder: ConfigurationDecoder,
        hint: (String) -> String?
    ) throws(ConfigurationError) {
        self.node = node
        self.field = field
        guard case .mapping(let mapping) = node else {
            throw decoder.error(.wrongType, at: node, field: field, "expected a mapping, got \(decoder.describe(node))")
        }
        var mergeSources: [Node] = []
        for (keyNode, value) in mapping {
            let key = try decoder.keyName(keyNode, in: field)
            if key == "<<", case .scalar(let scalar) = keyNode, scalar.style == .plain {
                mergeSources.append(value)
                continue
            }
            try add(key, keyNode: keyNode, value: value, keys: keys, decoder: decoder, hint: hint, merged: false)
        }
        for source in mergeSources {
            try merge(source, keys: keys, decoder: decoder, hint: hint)
        }
    }

    /// The value for `key`, or `nil` when it is absent.
    subscript(key: String) -> Node? {
        entries[key]?.value
    }

    /// The node of `key` itself, for errors that are about the key rather than its value.
    func keyNode(_ key: String) -> Node? {
        entries[key]?.keyNode
    }

    /// The dotted path of `key` inside this mapping.
    func field(_ key: String) -> String {
        field.map { "\($0).\(key)" } ?? key
    }

    private mutating func add(
        _ key: String,
        keyNode: Node,
        value: Node,
        keys: [String]?,
        decoder: ConfigurationDecoder,
        hint: (String) -> String?,
        merged: Bool
    ) throws(ConfigurationError) {
        if let keys, !keys.contains(key) {
            throw decoder.error(
                .unknownKey,
                at: keyNode,
                field: field(key),
                Self.unknownKeyMessage(key, keys: keys, hint: hint)
            )
        }
        if let existing = entries[key] {
            // Keys written out override merged ones, and earlier merge sources override later ones.
            if merged {
                return
            }
            let first = existing.keyNode.mark.map { " (first set at line \($0.line), column \($0.column))" } ?? ""
            throw decoder.error(.duplicateKey, at: keyNode, field: field(key), "duplicate key '\(key)'\(first)")
        }
        entries[key] = Entry(keyNode: keyNode, value: value)
        self.keys.append(key)
    }

    private mutating func merge(
        _ source: Node,
        keys: [String]?,
        decoder: ConfigurationDecoder,
        hint: (String) -> String?
    ) throws(ConfigurationError) {
        let mergeField = field("<<")
        let sources: [Node]
        switch source {
        case .mapping:
            sources = [source]
        case .sequence(let sequence):
            sources = Array(sequence)
        default:
            throw decoder.error(
                .wrongType,
                at: source,
                field: mergeField,
                "expected a mapping or a list of mappings to merge, got \(decoder.describe(source))"
            )
        }
        for source in sources {
            guard case .mapping(let mapping) = source else {
                throw decoder.error(
                    .wrongType,
                    at: source,
                    field: mergeField,
                    "expected a mapping to merge, got \(decoder.describe(source))"
                )
            }
            for (keyNode, value) in mapping {
                let key = try decoder.keyName(keyNode, in: field)
                if key == "<<" {
                    // Nested merges could multiply work exponentially through aliases; one level is plenty here.
                    throw decoder.error(
                        .invalidValue,
                        at: keyNode,
                        field: mergeField,
                        "nested '<<' merges are not supported"
                    )
                }
                try add(key, keyNode: keyNode, value: value, keys: keys, decoder: decoder, hint: hint, merged: true)
            }
        }
    }

    private static func unknownKeyMessage(_ key: String, keys: [String], hint: (String) -> String?) -> String {
        let shown = ConfigurationDecoder.abbreviate(key)
        if let suggestion = KeySuggester.suggestion(for: key, among: keys) {
            return "unknown key '\(shown)'; did you mean '\(suggestion)'?"
        }
        if let hint = hint(key) {
            return "unknown key '\(shown)'; \(hint)"
        }
        return "unknown key '\(shown)'; valid keys are " + keys.map { "'\($0)'" }.joined(separator: ", ")
    }
}
