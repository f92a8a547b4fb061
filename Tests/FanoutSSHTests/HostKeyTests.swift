import FanoutSSH
import Foundation
import Testing

@Suite(.enabled(if: SSHDFixture.isEnabled, SSHDFixture.skipReason))
struct HostKeyTests {
    @Test func unknownHostReportsTheFingerprintSSHKeygenGives() async throws {
        try await SSHDFixture.with { sshd in
            let empty = try sshd.knownHosts("empty", [])
            let error = try await #require(throws: SSHError.self) {
                try await SSHSession.withSession(try sshd.target(knownHosts: empty)) { _ in }
            }
            #expect(error.code == .hostKeyUnknown)
            let candidates = [
                ("ssh-ed25519", sshd.keys.hostEd25519), ("ecdsa-sha2-nistp256", sshd.keys.hostECDSA),
                ("ssh-rsa", sshd.keys.hostRSA),
            ]
            let presented = try candidates.map { ("\($0.0) \(try TestKeys.fingerprint($0.1))") }
            #expect(presented.contains { error.message.contains("(\($0))") }, "\(error.message)")
            #expect(error.message.hasPrefix("host key of 127.0.0.1:\(sshd.port) is not known ("))
            #expect(error.message.hasSuffix("to trust it, check the fingerprint and run: fanout hosts trust 127.0.0.1"))
        }
    }

    @Test func missingKnownHostsFileMeansUnknown() async throws {
        try await SSHDFixture.with { sshd in
            let error = try await #require(throws: SSHError.self) {
                try await SSHSession.withSession(try sshd.target(knownHosts: sshd.directory + "/absent")) { _ in }
            }
            #expect(error.code == .hostKeyUnknown)
        }
    }

    @Test func changedKeyIsReportedLoudly() async throws {
        try await SSHDFixture.with { sshd in
            let wrong = try sshd.knownHosts(
                "wrong",
                ["[127.0.0.1]:\(sshd.port) \(try TestKeys.publicKey(sshd.keys.otherHostEd25519))"]
            )
            let error = try await #require(throws: SSHError.self) {
                try await SSHSession.withSession(try sshd.target(knownHosts: wrong)) { _ in }
            }
            #expect(error.code == .hostKeyChanged)
            let fingerprint = try TestKeys.fingerprint(sshd.keys.hostEd25519)
            #expect(
                error.message.hasPrefix(
                    "HOST KEY OF 127.0.0.1:\(sshd.port) HAS CHANGED: it is now ssh-ed25519 \(fingerprint),"
                )
            )
            #expect(error.message.contains("\(wrong) has a different key (line 1)"), "\(error.message)")
            #expect(error.message.contains("run: fanout hosts trust 127.0.0.1 --replace"))
        }
    }

    @Test(arguments: ["bracketed", "plain", "hashed-bracketed", "hashed-plain", "ecdsa-only"])
    func knownHostsEntryFormsAreAccepted(form: String) async throws {
        try await SSHDFixture.with { sshd in
            let ed25519 = try TestKeys.publicKey(sshd.keys.hostEd25519)
            let path: String
            switch form {
            case "bracketed": path = try sshd.knownHosts(form, ["[127.0.0.1]:\(sshd.port) \(ed25519)"])
            case "plain": path = try sshd.knownHosts(form, ["127.0.0.1 \(ed25519)"])
            case "hashed-bracketed":
                path = try sshd.knownHosts(form, ["[127.0.0.1]:\(sshd.port) \(ed25519)"], hashed: true)
            case "hashed-plain": path = try sshd.knownHosts(form, ["127.0.0.1 \(ed25519)"], hashed: true)
            default:
                path = try sshd.knownHosts(
                    form,
                    ["[127.0.0.1]:\(sshd.port) \(try TestKeys.publicKey(sshd.keys.hostECDSA))"]
                )
            }
            if form.hasPrefix("hashed") {
                let contents = try String(contentsOfFile: path, encoding: .utf8)
                #expect(contents.hasPrefix("|1|"))
            }
            let status = try await SSHSession.withSession(try sshd.target(knownHosts: path)) { session in
                try await session.run("true").exitStatus
            }
            #expect(status == 0)
        }
    }

    @Test func trustingAnUnknownHostWithAcceptAnyThenConnectsStrictly() async throws {
        try await SSHDFixture.with { sshd in
            let path = sshd.directory + "/trust/known_hosts"
            let target = try sshd.target(knownHosts: path)
            let key = try await SSHSession.withSession(target, hostKeyPolicy: .acceptAny) { $0.hostKey }
            #expect(try await SSHSession.fetchHostKey(target) == key)
            try KnownHostsFile.append(KnownHostsFile.entry(host: target.host, port: target.port, key: key), to: path)
            let again = try await SSHSession.withSession(target) { $0.hostKey }
            #expect(again == key)
        }
    }
}
