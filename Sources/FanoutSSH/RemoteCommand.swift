/// A command for a remote host, built from words that are each quoted for the POSIX shell sshd hands the line to.
///
/// SSH carries one string per command, which the login user's shell parses: words joined with spaces let a value
/// holding `$(…)`, a quote or a newline become shell code on the host. Every remote command Fanout runs is built
/// here, so each word reaches the remote program byte for byte. A script (`sh -c`) is a constant; the values it
/// needs travel as its positional parameters (`$1`, `$2`, …), never inside its text.
///
/// The quoting is POSIX single quotes (`'` becomes `'\''`), which `sh`, `bash`, `dash`, `ksh` and `zsh` read the
/// same way. csh and fish read single quotes differently: login shells of that kind are not supported.
public struct RemoteCommand: Sendable, Equatable, CustomStringConvertible {
    /// The words: the program, then its arguments, each delivered unchanged.
    public var words: [String]

    /// Creates a command from its words.
    ///
    /// - Parameter words: The program and its arguments; none is interpreted by the shell.
    public init(_ words: [String]) {
        self.words = words
    }

    /// A constant `sh` script run with values as its positional parameters: `sh -c SCRIPT sh VALUE…`.
    ///
    /// - Parameters:
    ///   - script: Shell code written by Fanout, never built from values; it reads them as `"$1"`, `"$2"`, ….
    ///   - arguments: The values, delivered as `$1`, `$2`, … byte for byte.
    /// - Returns: The command.
    public static func script(_ script: String, arguments: [String] = []) -> RemoteCommand {
        RemoteCommand(["sh", "-c", script, "sh"] + arguments)
    }

    /// The command line to send: every word quoted, joined with spaces.
    public var line: String { self.words.map(Self.quote).joined(separator: " ") }

    /// The command line (what `line` gives).
    public var description: String { self.line }

    /// Quotes one word for a POSIX shell: the result reads back as exactly `word`, whatever it holds (spaces,
    /// quotes, `$`, backticks, newlines, non-ASCII, nothing at all).
    ///
    /// - Parameter word: Any string.
    /// - Returns: `'word'`, with each `'` written as `'\''`.
    public static func quote(_ word: String) -> String {
        "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
