import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The words after `fanout exec`'s options, split into the command and its input sources.
struct ExecCommandLine: Equatable {
    /// Where one input source's values come from.
    enum Source: Equatable {
        /// `::: a b c`
        case words([String])
        /// `:::: FILE` (`-` for standard input)
        case file(String)
    }

    var command: [String]
    var sources: [Source]

    /// Splits the words.
    /// - Parameter words: Everything after the options, with or without a leading `--`.
    /// - Returns: The command and its sources (none: read standard input).
    /// - Throws: `ValidationError` when there is no command or a `::::` lacks its file.
    static func parse(_ words: [String]) throws -> ExecCommandLine {
        var rest = words[...]
        if rest.first == "--" { rest = rest.dropFirst() }
        var command: [String] = []
        while let word = rest.first, word != ":::", word != "::::" {
            command.append(word)
            rest = rest.dropFirst()
        }
        guard !command.isEmpty else {
            throw ValidationError("no command given: fanout exec [options] -- COMMAND [ARGS…] ::: INPUTS…")
        }
        var sources: [Source] = []
        while let marker = rest.first {
            rest = rest.dropFirst()
            var values: [String] = []
            while let word = rest.first, word != ":::", word != "::::" {
                values.append(word)
                rest = rest.dropFirst()
            }
            if marker == ":::" {
                sources.append(.words(values))
            } else {
                guard !values.isEmpty else { throw ValidationError(":::: needs a file name (or - for standard input)") }
                sources += values.map { .file($0) }
            }
        }
        return ExecCommandLine(command: command, sources: sources)
    }

    /// Reads every source's values: words as given (UTF-8), files and standard input split at newlines, bytes as
    /// they are.
    /// - Returns: One list of values per source.
    /// - Throws: `ValidationError` naming a file that cannot be read.
    func values() throws -> [[[UInt8]]] {
        let sources = self.sources.isEmpty ? [Source.file("-")] : self.sources
        return try sources.map { source in
            switch source {
            case .words(let words):
                return words.map { Array($0.utf8) }
            case .file(let path):
                let bytes: [UInt8]
                if path == "-" {
                    bytes = Self.readStandardInput()
                } else {
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw ValidationError("cannot read input file \(path)")
                    }
                    bytes = [UInt8](data)
                }
                return Self.lines(bytes)
            }
        }
    }

    /// Splits at `\n`; a final newline ends the last line instead of starting an empty one.
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        guard !bytes.isEmpty else { return [] }
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if bytes.last == UInt8(ascii: "\n") { lines.removeLast() }
        return lines
    }

    private static func readStandardInput() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(0, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return bytes }
            bytes += buffer[0..<count]
        }
    }
}
