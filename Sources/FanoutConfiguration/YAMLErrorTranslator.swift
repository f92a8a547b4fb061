import Yams

/// Turns the errors `Yams.compose` throws into positioned ``ConfigurationError``s.
///
/// Yams reports a duplicated key at its *first* occurrence (and, with several, the alphabetically first key), which
/// points the reader at the line that is fine. ``translate(_:)`` re-parses with that occurrence renamed to find the
/// duplicate itself and its dotted field.
struct YAMLErrorTranslator {
    /// The text that failed to compose.
    let yaml: String
    /// The file name used in error messages.
    let path: String

    /// The most nodes searched when looking for a duplicate's position; aliases can make a small file a huge tree.
    private static let searchBudget = 100_000
    /// Inserted into the first occurrence of a duplicated key to make it unique; an invisible separator, so it
    /// cannot clash with a real key.
    private static let marker: Unicode.Scalar = "\u{2063}"
    /// How many occurrences of one key are renamed before giving up on finding its field.
    private static let maximumRenames = 8

    /// The configuration error equivalent to `error`.
    func translate(_ error: any Error) -> ConfigurationError {
        guard let yamlError = error as? YamlError else {
            return ConfigurationError(code: .syntax, path: path, message: "invalid YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return syntaxError(problem: problem, context: context, mark: mark)
        case .reader(let problem, let offset, _, _):
            let position = offset.flatMap(position(ofCharacterOffset:))
            return ConfigurationError(
                code: .syntax,
                path: path,
                line: position?.line,
                column: position?.column,
                message: "invalid YAML: \(problem)"
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            return duplicateKeyError(key: duplicates.sorted().first ?? "", firstMark: context.mark)
        default:
            return ConfigurationError(code: .syntax, path: path, message: "invalid YAML: \(yamlError)")
        }
    }

    private func syntaxError(problem: String, context: YamlError.Context?, mark: Mark) -> ConfigurationError {
        var message = "invalid YAML: \(problem)"
        if problem.hasPrefix("Maximum nesting level") {
            message = "invalid YAML: nested too deeply"
        } else if problem == "mapping values are not allowed in this context" {
            message += "; check the indentation of this line and the one above"
        } else if let context {
            message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        if lineHasTabIndentation(mark.line) {
            message += "; tabs cannot be used for indentation, use spaces"
        }
        return ConfigurationError(code: .syntax, path: path, line: mark.line, column: mark.column, message: message)
    }

    private func duplicateKeyError(key: String, firstMark: Mark) -> ConfigurationError {
        let shown = ConfigurationDecoder.abbreviate(key)
        let fallback = ConfigurationError(
            code: .duplicateKey,
            path: path,
            line: firstMark.line,
            column: firstMark.column,
            message: key == "<uncovertable>"
                ? "a key appears more than once in this mapping"
                : "key '\(shown)' appears more than once in this mapping"
        )
        guard let duplicate = locateDuplicate(key: key, firstMark: firstMark) else {
            return fallback
        }
        return ConfigurationError(
            code: .duplicateKey,
            path: path,
            line: duplicate.line,
            column: duplicate.column,
            field: duplicate.field,
            message: "duplicate key '\(shown)' (first set at line \(firstMark.line), column \(firstMark.column))"
        )
    }

    /// Finds the second occurrence of `key` by composing again with the first occurrence renamed.
    ///
    /// With three or more occurrences the re-parse reports the second one, which is the position wanted; renaming
    /// continues until the text composes, so the tree can be searched for the dotted field.
    private func locateDuplicate(key: String, firstMark: Mark) -> (line: Int, column: Int, field: String?)? {
        var text = yaml
        var markToRename = firstMark
        var duplicate: (line: Int, column: Int)?
        for rename in 1...Self.maximumRenames {
            guard let renamed = insertMarker(into: text, at: markToRename, count: rename) else {
                return duplicate.map { ($0.line, $0.column, nil) }
            }
            text = renamed
            let root: Node?
            do {
                root = try Yams.compose(yaml: text)
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                guard duplicates.sorted().first == key else {
                    return duplicate.map { ($0.line, $0.column, nil) }
                }
                if duplicate == nil {
                    duplicate = unshifted(context.mark, firstMark: firstMark)
                }
                markToRename = context.mark
                continue
            } catch {
                return duplicate.map { ($0.line, $0.column, nil) }
            }
            var budget = Self.searchBudget
            guard let root, let found = search(root, field: nil, key: key, budget: &budget) else {
                return duplicate.map { ($0.line, $0.column, nil) }
            }
            let position = duplicate ?? unshifted(found.mark, firstMark: firstMark)
            return (position.line, position.column, found.field)
        }
        return duplicate.map { ($0.line, $0.column, nil) }
    }

    /// A position in the renamed text mapped back to the original: the marker shifted everything after it on the
    /// same line one column to the right.
    private func unshifted(_ mark: Mark, firstMark: Mark) -> (line: Int, column: Int) {
        let shifted = mark.line == firstMark.line && mark.column > firstMark.column
        return (mark.line, shifted ? mark.column - 1 : mark.column)
    }

    /// Looks for the mapping holding the renamed key and returns where its other `key` is, with its dotted field.
    private func search(_ node: Node, field: String?, key: String, budget: inout Int) -> (mark: Mark, field: String)? {
        budget -= 1
        guard budget > 0 else {
            return nil
        }
        switch node {
        case .mapping(let mapping):
            let names = mapping.map { pair -> String? in
                if case .scalar(let scalar) = pair.key { scalar.string } else { nil }
            }
            if names.contains(where: { $0?.unicodeScalars.contains(Self.marker) == true }),
                let index = names.firstIndex(of: key),
                let mark = mapping[mapping.index(mapping.startIndex, offsetBy: index)].key.mark
            {
                return (mark, field.map { "\($0).\(key)" } ?? key)
            }
            for (pairKey, value) in mapping {
                let name: String
                if case .scalar(let scalar) = pairKey { name = scalar.string } else { name = "?" }
                let childField = field.map { "\($0).\(name)" } ?? name
                if let found = search(value, field: childField, key: key, budget: &budget) {
                    return found
                }
                if let found = search(pairKey, field: childField, key: key, budget: &budget) {
                    return found
                }
            }
            return nil
        case .sequence(let sequence):
            for (index, element) in sequence.enumerated() {
                if let found = search(element, field: "\(field ?? "")[\(index)]", key: key, budget: &budget) {
                    return found
                }
            }
            return nil
        case .scalar, .alias:
            return nil
        }
    }

    /// `text` with `count` markers inserted after the first character of the token at `mark`, or `nil` if the mark
    /// does not land on a key. Each rename uses a different count so renamed keys do not collide with each other.
    private func insertMarker(into text: String, at mark: Mark, count: Int) -> String? {
        var scalars = Array(text.unicodeScalars)
        guard let offset = scalarOffset(of: mark, in: text), offset + 1 < scalars.count else {
            return nil
        }
        let first = scalars[offset]
        guard first != "*", first != "?", first != "&", first != "!", !Self.isLineBreak(first), first != " " else {
            return nil
        }
        scalars.insert(contentsOf: repeatElement(Self.marker, count: count), at: offset + 1)
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }

    /// The offset in Unicode scalars of a 1-based line and column, counting line breaks as libyaml does.
    private func scalarOffset(of mark: Mark, in text: String) -> Int? {
        var line = 1
        var column = 1
        var previous: Unicode.Scalar?
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            if previous == "\r", scalar == "\n" {
                previous = scalar
                continue
            }
            if line == mark.line, column == mark.column {
                return offset
            }
            if Self.isLineBreak(scalar) {
                line += 1
                column = 1
            } else {
                column += 1
            }
            previous = scalar
        }
        return nil
    }

    /// The 1-based line and column of a character offset, as Yams gives for reader errors.
    private func position(ofCharacterOffset offset: Int) -> (line: Int, column: Int)? {
        var line = 1
        var column = 1
        var index = 0
        for character in yaml {
            if index == offset {
                return (line, column)
            }
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
            index += 1
        }
        return index == offset ? (line, column) : nil
    }

    private func lineHasTabIndentation(_ lineNumber: Int) -> Bool {
        guard lineNumber >= 1 else {
            return false
        }
        var line = 1
        var atIndentation = true
        for scalar in yaml.unicodeScalars {
            if Self.isLineBreak(scalar) {
                if line == lineNumber {
                    return false
                }
                line += 1
                atIndentation = true
                continue
            }
            guard line == lineNumber, atIndentation else {
                continue
            }
            if scalar == "\t" {
                return true
            }
            if scalar != " " {
                atIndentation = false
            }
        }
        return false
    }

    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r"
    }
}
