import FanoutSSH
import Foundation
import Testing

/// Words that a shell would split, expand, substitute or run if they were joined with spaces.
private let hostileWords = [
    "two words", "'", "\"", "it's", "a'\\''b", "$(touch MARKER)", "`touch MARKER`", "${HOME}", "$HOME",
    "line one\nline two",
    "\ttab", "trailing\n", "é中文🙂", "", "-n", "--help", "-", "\\", "\\n", "*", "~", "; touch MARKER", "| touch MARKER",
    "&& touch MARKER", "> MARKER", "!", "#comment", "a\u{7F}b", "\u{1B}[31m",
]

@Suite struct RemoteCommandQuotingTests {
    @Test func quotesEveryWordInSingleQuotes() {
        #expect(RemoteCommand.quote("") == "''")
        #expect(RemoteCommand.quote("plain") == "'plain'")
        #expect(RemoteCommand.quote("it's") == "'it'\\''s'")
        #expect(RemoteCommand(["echo", "$(id)", "a b"]).line == "'echo' '$(id)' 'a b'")
        #expect(RemoteCommand.script("echo \"$1\"", arguments: ["x"]).words == ["sh", "-c", "echo \"$1\"", "sh", "x"])
    }

    /// The local `sh` reads each quoted word back unchanged: the same parser a POSIX login shell uses.
    @Test func localShellReadsEveryHostileWordBack() throws {
        let directory = NSTemporaryDirectory() + "fanout-quote-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let words = hostileWords.map { $0.replacingOccurrences(of: "MARKER", with: directory + "/marker") }
        let line = "cd \(RemoteCommand.quote(directory)) && " + RemoteCommand(["printf", "%s\\0"] + words).line
        let output = try ShellCommand.run("/bin/sh", ["-c", line])
        #expect(output.status == 0)
        #expect(output.standardOutput == words.map { $0 + "\0" }.joined())
        #expect(!FileManager.default.fileExists(atPath: directory + "/marker"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/MARKER"))
    }
}

@Suite(.enabled(if: SSHDFixture.isEnabled, SSHDFixture.skipReason))
struct RemoteCommandTests {
    /// Each word goes through sshd and the remote login shell and arrives byte for byte; none runs as code.
    @Test func hostileWordsReachTheRemoteProgramUnchanged() async throws {
        try await SSHDFixture.with { sshd in
            let marker = sshd.directory + "/marker"
            let words = hostileWords.map { $0.replacingOccurrences(of: "MARKER", with: marker) }
            try await SSHSession.withSession(try sshd.target()) { session in
                let direct = try await session.run(RemoteCommand(["printf", "%s\\0"] + words))
                #expect(direct.exitStatus == 0, "\(String(decoding: direct.standardError, as: UTF8.self))")
                #expect(direct.standardOutput == Array(words.map { $0 + "\0" }.joined().utf8))

                let script = try await session.run(
                    RemoteCommand.script("for word in \"$@\"; do printf '%s\\0' \"$word\"; done", arguments: words)
                )
                #expect(script.exitStatus == 0)
                #expect(script.standardOutput == Array(words.map { $0 + "\0" }.joined().utf8))

                // What the old code did (words joined with spaces) runs the substitution: the attack is real.
                _ = try await session.run((["echo"] + words.filter { $0.hasPrefix("$(") }).joined(separator: " "))
                #expect(FileManager.default.fileExists(atPath: marker), "the unquoted join should have run $(…)")
            }
        }
    }

    /// The launch line of a worker, with a hostile advertised address: the worker program gets it as one word.
    @Test func aHostileArgumentIsOneWordForTheRemoteProgram() async throws {
        try await SSHDFixture.with { sshd in
            let marker = sshd.directory + "/pwned"
            let address = "$(touch \(marker)):9000"
            try await SSHSession.withSession(try sshd.target()) { session in
                let result = try await session.run(
                    RemoteCommand(["exec", "/usr/bin/printf", "[%s]", "--connect", address, "--id", "h1-1; id"])
                )
                #expect(
                    String(decoding: result.standardOutput, as: UTF8.self) == "[--connect][\(address)][--id][h1-1; id]"
                )
            }
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
    }
}
