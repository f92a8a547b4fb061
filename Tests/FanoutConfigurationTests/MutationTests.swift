import FanoutConfiguration
import FanoutJobs
import Testing

@Suite("Mutated cluster.yaml files")
struct MutationTests {
    /// Characters that matter to YAML's grammar, plus a few that do not.
    static let interesting: [Character] = Array(":-[]{},#&*!|>'\"?% \t\n~0123456789aZ_.<\u{7}é")

    static func mutate(_ text: String, using generator: inout SplitMix64) -> String {
        var characters = Array(text)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let useLines = Bool.random(using: &generator)
        if useLines, lines.count > 1 {
            let first = Int.random(in: 0..<lines.count, using: &generator)
            let second = Int.random(in: 0..<lines.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                lines.remove(at: first)
            case 1:
                lines.insert(lines[first], at: second)
            case 2:
                lines.swapAt(first, second)
            default:
                lines[first] = String(lines[first].dropFirst(Int.random(in: 0...3, using: &generator)))
            }
            return lines.joined(separator: "\n")
        }
        guard !characters.isEmpty else {
            return text
        }
        let index = Int.random(in: 0..<characters.count, using: &generator)
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            characters.remove(at: index)
        case 1:
            characters.insert(characters[index], at: index)
        case 2:
            let other = min(characters.count - 1, index + 1)
            characters.swapAt(index, other)
        default:
            characters.insert(interesting.randomElement(using: &generator) ?? "x", at: index)
        }
        return String(characters)
    }

    @Test func mutatedFilesParseOrFailCleanly() throws {
        var generator = SplitMix64(seed: 0xFA0_0C0F)
        let base = ClusterConfigurationTests.fullExample
        var parsed = 0
        var failed = 0
        for _ in 0..<3000 {
            var text = base
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                text = Self.mutate(text, using: &generator)
            }
            do {
                _ = try ClusterConfiguration.parse(text, path: "fuzz.yaml")
                parsed += 1
            } catch {
                failed += 1
                #expect(error.description.hasPrefix("fuzz.yaml"))
                #expect(!error.message.isEmpty)
                #expect((error.line ?? 1) >= 1 && (error.column ?? 1) >= 1, "\(error)")
            }
        }
        // Both outcomes must occur, or the mutations are not exercising anything.
        #expect(parsed > 0)
        #expect(failed > 0)
    }
}
