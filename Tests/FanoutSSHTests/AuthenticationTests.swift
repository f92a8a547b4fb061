import FanoutSSH
import Foundation
import Testing

@Suite(.enabled(if: SSHDFixture.isEnabled, SSHDFixture.skipReason))
struct AuthenticationTests {
    @Test func ed25519AndECDSAKeysAuthenticate() async throws {
        try await SSHDFixture.with { sshd in
            for identity in [sshd.keys.clientEd25519, sshd.keys.clientECDSA] {
                let result = try await SSHSession.withSession(try sshd.target(identity: identity)) { session in
                    try await session.run("id -un")
                }
                #expect(result.standardOutput == Array("root\n".utf8), "identity \(identity)")
            }
        }
    }

    @Test func laterIdentityFilesAreTriedAfterRejectedOnes() async throws {
        try await SSHDFixture.with { sshd in
            var target = try sshd.target()
            target.identityFiles = ["/nonexistent/id_ed25519", sshd.keys.clientUnauthorized, sshd.keys.clientECDSA]
            let status = try await SSHSession.withSession(target) { try await $0.run("true").exitStatus }
            #expect(status == 0)
        }
    }

    @Test func unauthorizedKeyFailsNamingUserHostAndKey() async throws {
        try await SSHDFixture.with { sshd in
            let error = try await #require(throws: SSHError.self) {
                try await SSHSession.withSession(try sshd.target(identity: sshd.keys.clientUnauthorized)) { _ in }
            }
            #expect(error.code == .authenticationFailed)
            #expect(error.message.contains("root@127.0.0.1:\(sshd.port)"))
            #expect(error.message.contains(sshd.keys.clientUnauthorized))
            #expect(!error.message.contains("SHA-1"))
        }
    }

    @Test func rsaKeyFailureExplainsSHA1() async throws {
        try await SSHDFixture.with { sshd in
            let error = try await #require(throws: SSHError.self) {
                try await SSHSession.withSession(try sshd.target(identity: sshd.keys.clientRSA)) { _ in }
            }
            #expect(error.code == .authenticationFailed)
            #expect(error.message.contains("signs RSA keys only with SHA-1"))
        }
    }

    @Test func passphraseProtectedKeyIsExplained() async throws {
        try await SSHDFixture.with { sshd in
            let error = try await #require(throws: SSHError.self) {
                try await SSHSession.withSession(try sshd.target(identity: sshd.keys.clientEncrypted)) { _ in }
            }
            #expect(error.code == .authenticationFailed)
            #expect(error.message.contains("identity \(sshd.keys.clientEncrypted) is passphrase-protected"))
            #expect(error.message.contains("ssh-add \(sshd.keys.clientEncrypted)"))
        }
    }
}
