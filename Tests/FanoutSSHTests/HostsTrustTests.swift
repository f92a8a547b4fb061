import FanoutSSH
import Foundation
import Testing

/// `fanout hosts trust` against a real sshd, with the built `fanout` next to the test bundle.
@Suite(.enabled(if: SSHDFixture.isEnabled, SSHDFixture.skipReason))
struct HostsTrustTests {
    /// The `fanout` product built beside this test bundle.
    static func fanout() throws -> String {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let path = URL(fileURLWithPath: executable).deletingLastPathComponent().path + "/fanout"
        try #require(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing: swift build first")
        return path
    }

    /// A cluster file naming the fixture's server and the given known_hosts file.
    static func cluster(_ sshd: SSHDFixture, knownHosts: String) throws -> String {
        let path = sshd.directory + "/cluster-\(UUID().uuidString.prefix(8)).yaml"
        let text = """
            ssh:
              identity: \(sshd.keys.clientEd25519)
              known_hosts: \(knownHosts)
              connect_timeout: 5
            hosts:
              - address: 127.0.0.1
                port: \(sshd.port)
                user: root

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func trust(_ sshd: SSHDFixture, _ knownHosts: String, _ flags: [String]) throws -> ShellCommand.Output {
        try ShellCommand.run(
            try Self.fanout(),
            ["hosts", "trust", "127.0.0.1:\(sshd.port)", "--cluster", try Self.cluster(sshd, knownHosts: knownHosts)]
                + flags
        )
    }

    @Test func aChangedKeyNeedsReplaceWhichLeavesOnlyTheNewKey() async throws {
        try await SSHDFixture.with { sshd in
            let old = try TestKeys.publicKey(sshd.keys.otherHostEd25519)
            let new = try TestKeys.publicKey(sshd.keys.hostEd25519)
            let unrelated = "10.1.2.3 \(try TestKeys.publicKey(sshd.keys.clientECDSA))"
            let path = try sshd.knownHosts("changed", ["[127.0.0.1]:\(sshd.port) \(old)", unrelated])
            chmod(path, 0o640)
            let before = try String(contentsOfFile: path, encoding: .utf8)

            let refused = try Self.trust(sshd, path, ["--yes"])
            #expect(refused.status == 1, "\(refused.standardOutput)\(refused.standardError)")
            #expect(refused.standardOutput.contains("HOST KEY OF 127.0.0.1:\(sshd.port) HAS CHANGED"))
            #expect(refused.standardOutput.contains(try TestKeys.fingerprint(sshd.keys.otherHostEd25519)))
            #expect(refused.standardOutput.contains(try TestKeys.fingerprint(sshd.keys.hostEd25519)))
            #expect(refused.standardError.contains("--replace"), "\(refused.standardError)")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == before, "--yes must not add the new key")

            let replaced = try Self.trust(sshd, path, ["--yes", "--replace"])
            #expect(replaced.status == 0, "\(replaced.standardOutput)\(replaced.standardError)")
            #expect(replaced.standardOutput.contains("replaced line 1 of \(path)"))
            let after = try String(contentsOfFile: path, encoding: .utf8)
            #expect(after == "\(unrelated)\n[127.0.0.1]:\(sshd.port) \(new)\n")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o640)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: sshd.directory)
                .filter { $0.hasPrefix(".known_hosts.fanout-") }
            #expect(leftovers.isEmpty)

            // And the host now verifies strictly; trusting again changes nothing.
            let status = try await SSHSession.withSession(try sshd.target(knownHosts: path)) { session in
                try await session.run("true").exitStatus
            }
            #expect(status == 0)
            let again = try Self.trust(sshd, path, ["--yes"])
            #expect(again.status == 0)
            #expect(again.standardOutput.contains("already trusted (\(path):2)"), "\(again.standardOutput)")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == after)
        }
    }

    @Test func aRevokedKeyIsNeverAdded() async throws {
        try await SSHDFixture.with { sshd in
            // Every key the server has is revoked: whichever it presents must be refused.
            let keys = try [sshd.keys.hostEd25519, sshd.keys.hostECDSA, sshd.keys.hostRSA].map(TestKeys.publicKey)
            let path = try sshd.knownHosts("revoked", keys.map { "@revoked * \($0)" })
            let before = try String(contentsOfFile: path, encoding: .utf8)
            for flags in [["--yes"], ["--yes", "--replace"]] {
                let result = try Self.trust(sshd, path, flags)
                #expect(result.status == 1, "\(result.standardOutput)\(result.standardError)")
                #expect(result.standardError.contains("REVOKED (@revoked at \(path):"), "\(result.standardError)")
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
        }
    }

    @Test func aGarbageLineIsReportedWithItsNumberAndLaterLinesStillCount() async throws {
        try await SSHDFixture.with { sshd in
            let key = try TestKeys.publicKey(sshd.keys.hostEd25519)
            let path = try sshd.knownHosts(
                "garbage",
                ["# hosts", "%%% garbage %%%", "[127.0.0.1]:\(sshd.port) \(key)"]
            )
            let result = try Self.trust(sshd, path, ["--yes"])
            #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
            #expect(result.standardError.contains("warning: \(path):2: "), "\(result.standardError)")
            #expect(result.standardOutput.contains("already trusted (\(path):3)"), "\(result.standardOutput)")
        }
    }
}
