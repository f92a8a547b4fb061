#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The words of a GNU Parallel style command line, split into the command and its input sources:
/// `COMMAND [ARGS…] [::: INPUTS… | :::: FILE]…`.
///
/// It lives in the library, not in the command line, because it is the exec syntax itself rather than option
/// parsing: a program that takes GNU Parallel style words gets the same splitting and the same source reading as
/// `fanout exec`.
public struct ExecCommandLine: Sendable, Equatable {
    /// Where one input source's values come from.
    public enum Source: Sendable, Equatable {
        /// `::: a b c`
        case words([String])
        /// `:::: FILE` (`-` for standard input)
        case file(String)
    }

    /// The program and its arguments, replacement strings not yet filled in.
    public var command: [String]
    /// The input sources in order; none means one input per line of standard input.
    public var sources: [Source]

    /// Creates a command line from its parts.
    /// - Parameters:
    ///   - command: The program and its arguments.
    ///   - sources: The input sources (none: standard input).
    public init(command: [String], sources: [Source]) {
        self.command = command
        self.sources = sources
    }

    /// Splits the words.
    /// - Parameter words: Everything after the options, with or without a leading `--`.
    /// - Returns: The command and its sources (none: read standard input).
    /// - Throws: ``ExecSessionError`` with code ``ExecSessionError/Code/usage`` when there is no command or a
    ///   `::::` lacks its file.
    public static func parse(_ words: [String]) throws(ExecSessionError) -> ExecCommandLine {
        var rest = words[...]
        if rest.first == "--" { rest = rest.dropFirst() }
        var command: [String] = []
        while let word = rest.first, word != ":::", word != "::::" {
            command.append(word)
            rest = rest.dropFirst()
        }
        guard !command.isEmpty else {
            throw ExecSessionError(.usage, "no command given: fanout exec [options] -- COMMAND [ARGS…] ::: INPUTS…")
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
                guard !values.isEmpty else {
                    throw ExecSessionError(.usage, ":::: needs a file name (or - for standard input)")
                }
                sources += values.map { .file($0) }
            }
        }
        return ExecCommandLine(command: command, sources: sources)
    }

    /// Reads every source's values: words as given (UTF-8), files and standard input split at newlines, bytes as
    /// they are.
    /// - Returns: One list of values per source.
    /// - Throws: ``ExecSessionError`` with code ``ExecSessionError/Code/unreadableInput`` naming a file that cannot
    ///   be read.
    public func values() throws(ExecSessionError) -> [[[UInt8]]] {
        let sources = self.sources.isEmpty ? [Source.file("-")] : self.sources
        var values: [[[UInt8]]] = []
        for source in sources {
            switch source {
            case .words(let words):
                values.append(words.map { Array($0.utf8) })
            case .file(let path):
                let bytes: [UInt8]
                if path == "-" {
                    bytes = Self.readStandardInput()
                } else {
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw ExecSessionError(.unreadableInput, "cannot read input file \(path)")
                    }
                    bytes = [UInt8](data)
                }
                values.append(Self.lines(bytes))
            }
        }
        return values
    }

    /// Splits at `\n`; a final newline ends the last line instead of starting an empty one.
    /// - Parameter bytes: A file's contents.
    /// - Returns: Its lines, without their newlines.
    public static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
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
