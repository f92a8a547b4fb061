/// A `fanout exec` command line with GNU Parallel's replacement strings, turned into one job's arguments per input.
///
/// Replacement strings: `{}` the input, `{.}` without its extension, `{/}` its base name, `{//}` its directory,
/// `{/.}` its base name without extension, `{#}` the job's sequence number, `{%}` its slot (filled in on the worker),
/// and with several input sources `{N}`, `{N.}`, `{N/}`, `{N//}`, `{N/.}` for source N. A command without any of
/// them gets the inputs appended as its last arguments.
///
/// Without a shell, each input stays one argument, byte for byte: a word that is exactly `{}` becomes one argument
/// per input source; a word with more around the placeholder joins several inputs with spaces. With `shell`, the
/// words are joined with spaces into a script for `sh -c`, and every substituted input is single-quoted.
public struct CommandTemplate: Sendable, Equatable {
    /// What a replacement string stands for.
    public enum Transform: Sendable, Equatable {
        case whole, withoutExtension, baseName, directory, baseNameWithoutExtension
    }

    /// A piece of one word of the command.
    public enum Token: Sendable, Equatable {
        case literal([UInt8])
        /// An input, transformed; `source` is 1-based, `nil` for every source.
        case input(Transform, source: Int?)
        case sequence
        case slot
    }

    /// The command's words, tokenized.
    public let words: [[Token]]
    /// Whether the job runs under `sh -c`.
    public let shell: Bool
    /// Whether any word holds a replacement string (otherwise inputs are appended).
    public let hasPlaceholder: Bool

    /// Parses a command.
    /// - Parameters:
    ///   - words: The command and its arguments as given after `--`.
    ///   - shell: Run under `sh -c` instead of directly.
    public init(_ words: [[UInt8]], shell: Bool = false) {
        self.words = words.map(Self.tokenize)
        self.shell = shell
        self.hasPlaceholder = self.words.contains { $0.contains { if case .literal = $0 { false } else { true } } }
    }

    /// The highest `{N}` source number used, for checking it against the number of input sources.
    public var highestSource: Int {
        self.words.flatMap { $0 }.compactMap { if case .input(_, let source) = $0 { source } else { nil } }.max() ?? 0
    }

    /// One job's arguments.
    /// - Parameters:
    ///   - inputs: The job's inputs, one per input source.
    ///   - sequence: Its 1-based sequence number.
    /// - Returns: The words to run (`sh`, `-c`, script with `shell`).
    public func arguments(inputs: [[UInt8]], sequence: Int) -> [ExecWord] {
        if self.shell {
            var script = Builder()
            for (index, word) in self.words.enumerated() {
                if index > 0 { script.append(Array(" ".utf8)) }
                for token in word {
                    self.add(token, inputs: inputs, sequence: sequence, quoted: true, to: &script)
                }
            }
            if !self.hasPlaceholder {
                for input in inputs {
                    script.append(Array(" ".utf8) + Self.shellQuoted(input))
                }
            }
            return [ExecWord(Array("sh".utf8)), ExecWord(Array("-c".utf8)), script.word]
        }
        var result: [ExecWord] = []
        for word in self.words {
            if word.count == 1, case .input(let transform, source: nil) = word[0], inputs.count != 1 {
                result += inputs.map { ExecWord(Self.apply(transform, to: $0)) }
                continue
            }
            var builder = Builder()
            for token in word {
                self.add(token, inputs: inputs, sequence: sequence, quoted: false, to: &builder)
            }
            result.append(builder.word)
        }
        if !self.hasPlaceholder {
            result += inputs.map { ExecWord($0) }
        }
        return result
    }

    /// The command as a readable line with these inputs (for the job log and messages): the shell script itself, or
    /// the arguments shell-quoted where needed.
    public func displayLine(inputs: [[UInt8]], sequence: Int, slot: Int? = nil) -> String {
        let words = self.arguments(inputs: inputs, sequence: sequence)
        let resolved = words.map { word in
            word.parts.count > 1 && slot == nil
                ? word.parts.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "{%}")
                : String(decoding: word.resolved(slot: slot ?? 1), as: UTF8.self)
        }
        if self.shell, resolved.count == 3 { return resolved[2] }
        return resolved.map { String(decoding: Self.shellQuoted(Array($0.utf8)), as: UTF8.self) }
            .joined(separator: " ")
    }

    private func add(_ token: Token, inputs: [[UInt8]], sequence: Int, quoted: Bool, to builder: inout Builder) {
        switch token {
        case .literal(let bytes):
            builder.append(bytes)
        case .sequence:
            builder.append(Array(String(sequence).utf8))
        case .slot:
            builder.breakForSlot()
        case .input(let transform, let source):
            let chosen: [[UInt8]]
            if let source {
                chosen = source >= 1 && source <= inputs.count ? [inputs[source - 1]] : [[]]
            } else {
                chosen = inputs
            }
            let values = chosen.map { Self.apply(transform, to: $0) }
            if quoted {
                builder.append(Array(values.map { Self.shellQuoted($0) }.joined(separator: " ".utf8)))
            } else {
                builder.append(Array(values.joined(separator: " ".utf8)))
            }
        }
    }

    /// Applies a replacement string's transformation, with GNU Parallel's (Perl's) exact rules.
    /// - Parameters:
    ///   - transform: Which one.
    ///   - input: The input's bytes.
    /// - Returns: The transformed bytes.
    public static func apply(_ transform: Transform, to input: [UInt8]) -> [UInt8] {
        switch transform {
        case .whole:
            return input
        case .withoutExtension:
            return Self.withoutExtension(input)
        case .baseName:
            return Self.baseName(input)
        case .baseNameWithoutExtension:
            return Self.withoutExtension(Self.baseName(input))
        case .directory:
            return Self.directory(input)
        }
    }

    private static let slash = UInt8(ascii: "/")
    private static let dot = UInt8(ascii: ".")

    /// `s:\.[^/.]*$::`
    static func withoutExtension(_ input: [UInt8]) -> [UInt8] {
        guard let dotIndex = input.lastIndex(of: Self.dot) else { return input }
        if input[(dotIndex + 1)...].contains(Self.slash) { return input }
        return Array(input[..<dotIndex])
    }

    /// `s:^.*/::`
    static func baseName(_ input: [UInt8]) -> [UInt8] {
        guard let slashIndex = input.lastIndex(of: Self.slash) else { return input }
        return Array(input[(slashIndex + 1)...])
    }

    /// Perl's `File::Basename::dirname` on Unix.
    static func directory(_ input: [UInt8]) -> [UInt8] {
        func parse(_ path: [UInt8]) -> (directory: [UInt8], base: [UInt8]) {
            guard let slashIndex = path.lastIndex(of: Self.slash) else { return (Array("./".utf8), path) }
            return (Array(path[...slashIndex]), Array(path[(slashIndex + 1)...]))
        }
        func stripTrailingSlashes(_ path: inout [UInt8]) {
            while path.count > 1 && path.last == Self.slash { path.removeLast() }
        }
        var (directory, base) = parse(input)
        stripTrailingSlashes(&directory)
        if base.isEmpty {
            (directory, base) = parse(directory)
            stripTrailingSlashes(&directory)
        }
        return directory
    }

    /// Quotes bytes for `sh`: unchanged when they are harmless, otherwise in single quotes.
    /// - Parameter bytes: A word.
    /// - Returns: The quoted word.
    public static func shellQuoted(_ bytes: [UInt8]) -> [UInt8] {
        let harmless = bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || Array("_./,:@%+=-".utf8).contains(byte)
        }
        if !bytes.isEmpty && harmless { return bytes }
        var quoted: [UInt8] = [UInt8(ascii: "'")]
        for byte in bytes {
            if byte == UInt8(ascii: "'") {
                quoted += Array("'\\''".utf8)
            } else {
                quoted.append(byte)
            }
        }
        quoted.append(UInt8(ascii: "'"))
        return quoted
    }

    /// Splits one word into literals and replacement strings.
    static func tokenize(_ word: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var literal: [UInt8] = []
        var index = 0
        while index < word.count {
            if word[index] == UInt8(ascii: "{"), let close = word[index...].firstIndex(of: UInt8(ascii: "}")),
                let token = Self.placeholder(Array(word[(index + 1)..<close]))
            {
                if !literal.isEmpty { tokens.append(.literal(literal)) }
                literal = []
                tokens.append(token)
                index = close + 1
                continue
            }
            literal.append(word[index])
            index += 1
        }
        if !literal.isEmpty || tokens.isEmpty { tokens.append(.literal(literal)) }
        return tokens
    }

    private static func placeholder(_ inside: [UInt8]) -> Token? {
        let digits = inside.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let rest = String(decoding: inside[digits.count...], as: UTF8.self)
        var source: Int?
        if !digits.isEmpty {
            guard let number = Int(String(decoding: digits, as: UTF8.self)), number >= 1 else { return nil }
            source = number
        }
        switch rest {
        case "": return .input(.whole, source: source)
        case ".": return .input(.withoutExtension, source: source)
        case "/": return .input(.baseName, source: source)
        case "//": return .input(.directory, source: source)
        case "/.": return .input(.baseNameWithoutExtension, source: source)
        case "#" where source == nil: return .sequence
        case "%" where source == nil: return .slot
        default: return nil
        }
    }

    /// Accumulates a word, starting a new part where the slot number goes.
    private struct Builder {
        var parts: [[UInt8]] = [[]]
        mutating func append(_ bytes: [UInt8]) { self.parts[self.parts.count - 1] += bytes }
        mutating func breakForSlot() { self.parts.append([]) }
        var word: ExecWord { ExecWord(parts: self.parts) }
    }
}
