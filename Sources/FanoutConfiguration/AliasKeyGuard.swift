import Yams

/// Rejects aliases used as mapping keys before Yams composes the real document.
///
/// Yams checks for duplicate keys by hashing every key node, and an alias key is hashed as the whole tree it stands
/// for: a few lines of nested aliases ("billion laughs") then take minutes. The guard composes a copy in which every
/// `*` is replaced by a marker character, so aliases become plain scalars and nothing expands, and looks for a marked
/// scalar in key position. Keys must be plain names in this schema anyway, so nothing valid is refused.
struct AliasKeyGuard {
    /// Replaces `*` one-for-one, keeping every line and column where it was.
    private static let marker: Unicode.Scalar = "\u{2064}"
    /// The most nodes visited; the copy has no aliases, so its tree is no bigger than the text.
    private static let visitBudget = 1_000_000

    /// The text being checked.
    let yaml: String
    /// The file name used in error messages.
    let path: String

    /// Throws when an alias appears as a mapping key, or inside one.
    func check() throws(ConfigurationError) {
        guard yaml.utf8.contains(UInt8(ascii: "*")) else {
            return
        }
        var copy = ""
        copy.unicodeScalars.append(contentsOf: yaml.unicodeScalars.map { $0 == "*" ? Self.marker : $0 })
        let root: Node?
        do {
            root = try Yams.compose(yaml: copy)
        } catch YamlError.duplicatedKeysInMapping(let duplicates, let context)
            where duplicates.contains(where: { $0.unicodeScalars.first == Self.marker })
        {
            throw aliasKeyError(at: context.mark)
        } catch {
            // The copy differs from the text only in aliases, so its syntax and duplicate-key errors are the text's
            // own; reporting them here spares the real parse from hashing alias keys that come before them.
            throw YAMLErrorTranslator(yaml: copy, path: path).translate(error)
        }
        var budget = Self.visitBudget
        if let root, let mark = findAliasKey(root, inKey: false, budget: &budget) {
            throw aliasKeyError(at: mark)
        }
    }

    private func aliasKeyError(at mark: Mark) -> ConfigurationError {
        ConfigurationError(
            code: .wrongType,
            path: path,
            line: mark.line,
            column: mark.column,
            message: "keys must be plain names, got an alias"
        )
    }

    private func findAliasKey(_ node: Node, inKey: Bool, budget: inout Int) -> Mark? {
        budget -= 1
        guard budget > 0 else {
            return nil
        }
        switch node {
        case .scalar(let scalar):
            return inKey && scalar.style == .plain && scalar.string.unicodeScalars.first == Self.marker
                ? scalar.mark : nil
        case .mapping(let mapping):
            for (key, value) in mapping {
                if let mark = findAliasKey(key, inKey: true, budget: &budget)
                    ?? findAliasKey(value, inKey: inKey, budget: &budget)
                {
                    return mark
                }
            }
            return nil
        case .sequence(let sequence):
            for element in sequence {
                if let mark = findAliasKey(element, inKey: inKey, budget: &budget) {
                    return mark
                }
            }
            return nil
        case .alias:
            return nil
        }
    }
}
