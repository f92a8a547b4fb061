import FanoutJobs
import Testing

/// GNU Parallel's replacement strings and its rule for commands without any, on bytes.
@Suite struct CommandTemplateTests {
    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private static func strings(_ words: [ExecWord], slot: Int = 1) -> [String] {
        words.map { String(decoding: $0.resolved(slot: slot), as: UTF8.self) }
    }

    private static func expand(
        _ command: [String],
        _ inputs: [String],
        sequence: Int = 1,
        shell: Bool = false
    )
        -> [String]
    {
        let template = CommandTemplate(command.map(Self.bytes), shell: shell)
        return Self.strings(template.arguments(inputs: inputs.map(Self.bytes), sequence: sequence), slot: 7)
    }

    @Test(
        "each replacement string transforms like GNU Parallel's (Perl's) rules",
        arguments: [
            ("{}", "dir.x/sub/file.tar.gz", "dir.x/sub/file.tar.gz"),
            ("{.}", "dir.x/sub/file.tar.gz", "dir.x/sub/file.tar"),
            ("{.}", "dir.x/file", "dir.x/file"),
            ("{.}", ".bashrc", ""),
            ("{.}", "a.b/", "a.b/"),
            ("{/}", "dir/sub/file.txt", "file.txt"),
            ("{/}", "file.txt", "file.txt"),
            ("{/}", "dir/", ""),
            ("{//}", "dir/sub/file.txt", "dir/sub"),
            ("{//}", "file.txt", "."),
            ("{//}", "/file.txt", "/"),
            ("{//}", "a/b/", "a"),
            ("{//}", "", "."),
            ("{/.}", "dir/sub/file.tar.gz", "file.tar"),
            ("{/.}", "dir.d/file", "file"),
        ]
    )
    func transforms(placeholder: String, input: String, expected: String) {
        #expect(Self.expand(["echo", placeholder], [input]) == ["echo", expected])
    }

    @Test func sequenceAndSlotNumbers() {
        #expect(Self.expand(["run", "{#}", "slot-{%}-{#}"], ["x"], sequence: 42) == ["run", "42", "slot-7-42"])
        let template = CommandTemplate([Self.bytes("a{%}b{%}")])
        let words = template.arguments(inputs: [Self.bytes("x")], sequence: 1)
        #expect(words[0].parts.count == 3)
        #expect(Self.strings(words, slot: 12) == ["a12b12"])
    }

    @Test func withoutPlaceholderTheInputsAreAppended() {
        #expect(Self.expand(["echo", "-n"], ["a b"]) == ["echo", "-n", "a b"])
        #expect(Self.expand(["echo"], ["a", "b"]) == ["echo", "a", "b"])
    }

    @Test func severalSourcesByPositionOrAll() {
        #expect(Self.expand(["cmd", "{2}", "{1/.}", "{}"], ["d/x.c", "y"]) == ["cmd", "y", "x", "d/x.c", "y"])
        #expect(Self.expand(["cmd", "<{}>"], ["a", "b"]) == ["cmd", "<a b>"])
        #expect(CommandTemplate([Self.bytes("{3}")]).highestSource == 3)
    }

    @Test func textThatOnlyLooksLikeAPlaceholderStaysLiteral() {
        #expect(
            Self.expand(["echo", "{x}", "{0}", "{", "}", "{{}}"], ["v"]) == ["echo", "{x}", "{0}", "{", "}", "{v}"]
        )
    }

    @Test(
        "without a shell, an input stays one argument byte for byte",
        arguments: ["a b", "it's", "\"q\"", "$(rm -rf /)", "`id`", "line\nbreak", "Grüße ✓", "", "{}", "{%}", "\\"]
    )
    func inputsAreNotInterpreted(input: String) {
        #expect(Self.expand(["printf", "%s", "{}"], [input]) == ["printf", "%s", input])
        #expect(Self.expand(["printf"], [input]) == ["printf", input])
    }

    @Test func shellModeQuotesEveryInput() {
        #expect(
            Self.expand(["echo", "{}", "|", "wc", "-c"], ["it's $(x)"], shell: true) == [
                "sh", "-c", "echo 'it'\\''s $(x)' | wc -c",
            ]
        )
        #expect(Self.expand(["echo"], ["plain", ""], shell: true) == ["sh", "-c", "echo plain ''"])
        #expect(Self.expand(["echo {#} {%}"], ["x"], sequence: 3, shell: true) == ["sh", "-c", "echo 3 7"])
    }

    @Test func displayLineQuotesWhatNeedsIt() {
        let template = CommandTemplate([Self.bytes("echo"), Self.bytes("{}")])
        #expect(template.displayLine(inputs: [Self.bytes("a b")], sequence: 1) == "echo 'a b'")
        #expect(template.displayLine(inputs: [Self.bytes("ab")], sequence: 1) == "echo ab")
    }
}
