import FanoutProtocol
import Testing

/// What a compromised host sends must be inert wherever it is written.
struct UntrustedTextTests {
    static let hostile = "\u{1B}[2J\u{1B}[31mred\tTab\nSeq\tHost\r\u{07}\u{9B}\u{202E}\u{2028}end\\"

    @Test func terminalTextHasNoControlCharacters() {
        let shown = UntrustedText.forTerminal(Self.hostile)
        #expect(!shown.unicodeScalars.contains { UntrustedText.isUnsafe($0) })
        #expect(shown.hasPrefix("\\u{1B}[2J"))
        #expect(shown.contains("red\\tTab\\nSeq"))
        // The visible words survive: an operator can still read what the host said.
        #expect(shown.contains("Host") && shown.hasSuffix("end\\"))
    }

    @Test func tsvFieldCannotSplitOrEndALine() {
        let field = UntrustedText.forTSVField(Self.hostile)
        #expect(!field.contains("\t") && !field.contains("\n") && !field.contains("\r"))
        #expect(field.hasSuffix("end\\\\"), "a backslash is doubled so that escapes stay unambiguous: \(field)")
    }

    @Test(arguments: ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\rx"])
    func csvFormulasAreDefused(_ formula: String) {
        let field = UntrustedText.forCSVField(formula)
        let unquoted = field.hasPrefix("\"") ? String(field.dropFirst()) : field
        #expect(unquoted.hasPrefix("'"), "\(field)")
    }

    @Test func csvTabIsEscapedNotKept() {
        // A leading tab would hide a formula from a reader; escaped, it is two visible characters.
        #expect(UntrustedText.forCSVField("\t=1+1") == "\\t=1+1")
    }

    @Test(arguments: ["-3", "+1.5e-3", "42", "-0.25", "1E9"])
    func csvNumbersStayNumbers(_ number: String) {
        #expect(UntrustedText.forCSVField(number) == number)
    }

    @Test func csvQuotesFieldsWithSeparators() {
        #expect(UntrustedText.forCSVField("a,b") == "\"a,b\"")
        #expect(UntrustedText.forCSVField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(UntrustedText.forCSVField("two\nlines") == "\"two\nlines\"")
        #expect(UntrustedText.forCSVField("plain") == "plain")
    }

    @Test func lengthIsBounded() {
        let long = String(repeating: "x", count: 100_000)
        #expect(UntrustedText.forTerminal(long).count == UntrustedText.defaultCharacterLimit + 1)
        #expect(UntrustedText.forTerminal(long, limit: 10) == String(repeating: "x", count: 10) + "…")
    }
}
