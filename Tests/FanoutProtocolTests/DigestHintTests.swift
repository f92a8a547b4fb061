import FanoutProtocol
import Testing

@Suite("A launcher's digest hint: used only for the very file it names")
struct DigestHintTests {
    static let fakeDigest = String(repeating: "ab", count: 32)

    @Test func theArgumentFormRoundTrips() throws {
        let hint = DigestHint(digest: Self.fakeDigest, fileIdentity: "64769:1234:47244240:1764284640.123456789")
        #expect(DigestHint(argument: hint.argument) == hint)
    }

    @Test(arguments: [
        "", "@1:2:3:4.5", "abc@1:2:3:4.5", String(repeating: "AB", count: 32) + "@1:2:3:4.5",
        String(repeating: "ab", count: 32), String(repeating: "ab", count: 32) + "@",
        String(repeating: "zz", count: 32) + "@1:2:3:4.5",
    ])
    func malformedArgumentsAreRejected(argument: String) {
        #expect(DigestHint(argument: argument) == nil)
    }

    @Test func theHintIsTrustedOnlyWhileTheExecutableIsThatFile() throws {
        let identity = try #require(DigestHint.fileIdentity(atPath: "/proc/self/exe"))
        // The same file: the hint's digest is taken as is, without hashing (a fake digest shows it was not hashed).
        #expect(
            DigestHint(digest: Self.fakeDigest, fileIdentity: identity).digestOfCurrentExecutable() == Self.fakeDigest
        )
        // Another identity (the file was rebuilt or replaced since the launcher hashed it): the worker hashes itself.
        let stale = DigestHint(digest: Self.fakeDigest, fileIdentity: identity + "0")
        let hashed = stale.digestOfCurrentExecutable()
        #expect(hashed != Self.fakeDigest)
        #expect(hashed == BinaryDigest.ofCurrentExecutable())
    }

    @Test func theIdentityChangesWithTheFile() throws {
        #expect(DigestHint.fileIdentity(atPath: "/nonexistent/fanout-worker") == nil)
        let first = try #require(DigestHint.fileIdentity(atPath: "/proc/self/exe"))
        #expect(DigestHint.fileIdentity(atPath: "/proc/self/exe") == first)
        #expect(DigestHint.fileIdentity(atPath: "/bin/sh") != first)
    }
}
