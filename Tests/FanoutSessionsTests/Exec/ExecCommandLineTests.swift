import FanoutSessions
import Testing

/// GNU Parallel's words: the command, then `:::` and `::::` sources.
@Suite("ExecCommandLine: the command and its ::: and :::: sources")
struct ExecCommandLineTests {
    @Test("the command ends at the first marker; ::: words and :::: files make one source each")
    func splitsCommandAndSources() throws {
        let line = try ExecCommandLine.parse(["--", "echo", "{1}", "{2}", ":::", "a", "b", "::::", "f1", "f2", ":::"])
        #expect(line.command == ["echo", "{1}", "{2}"])
        #expect(line.sources == [.words(["a", "b"]), .file("f1"), .file("f2"), .words([])])
        #expect(try ExecCommandLine.parse(["wc", "-l"]) == ExecCommandLine(command: ["wc", "-l"], sources: []))
        // Only a leading -- is the separator; later ones belong to the command.
        #expect(try ExecCommandLine.parse(["grep", "--", "-x"]).command == ["grep", "--", "-x"])
    }

    @Test("no command, or :::: without a file, is a usage problem")
    func usageProblems() {
        #expect(
            throws: ExecSessionError(.usage, "no command given: fanout exec [options] -- COMMAND [ARGS…] ::: INPUTS…")
        ) {
            try ExecCommandLine.parse(["--", ":::", "a"])
        }
        #expect(throws: ExecSessionError(.usage, ":::: needs a file name (or - for standard input)")) {
            try ExecCommandLine.parse(["echo", "::::", ":::", "a"])
        }
    }

    @Test("files are split at newlines, bytes as they are; a final newline does not add an empty input")
    func readsFiles() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let file = try scratch.write("inputs", [0x61, 0x0A, 0x0A, 0xFF, 0x20, 0x62, 0x0A])
        let line = ExecCommandLine(command: ["echo"], sources: [.words(["é"]), .file(file)])
        #expect(try line.values() == [[Array("é".utf8)], [[0x61], [], [0xFF, 0x20, 0x62]]])
        #expect(ExecCommandLine.lines([]) == [])
        #expect(ExecCommandLine.lines(Array("x".utf8)) == [Array("x".utf8)])
        #expect(ExecCommandLine.lines(Array("\n".utf8)) == [[]])
    }

    @Test("an input file that cannot be read is named")
    func unreadableFile() throws {
        let line = ExecCommandLine(command: ["echo"], sources: [.file("/nonexistent/fanout-inputs")])
        #expect(throws: ExecSessionError(.unreadableInput, "cannot read input file /nonexistent/fanout-inputs")) {
            try line.values()
        }
    }
}
