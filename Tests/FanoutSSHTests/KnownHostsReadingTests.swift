import FanoutSSH
import Foundation
import Testing

@Suite struct KnownHostsDocumentTests {
    @Test func everyLineIsClassifiedAndBadOnesAreNumbered() {
        let ed25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        let text = """
            # comment

            host1 ssh-ed25519 \(ed25519)
            garbage
            @revoked * ssh-ed25519 \(ed25519)
            @cert-authority *.example ssh-ed25519 \(ed25519)
            host2 ssh-ed25519 not!base64
            host3 ssh-rsa \(ed25519)
            @bogus host4 ssh-ed25519 \(ed25519)
            host5 ssh-ed25519 \(ed25519) a comment
            """
        let document = KnownHostsDocument(path: "/k", bytes: Array(text.utf8))
        #expect(document.lines.count == 10)
        #expect(document.lines.map(\.kind)[0...2] == [.blank, .blank, .key])
        #expect(document.lines[4].kind == .revoked)
        #expect(document.lines[5].kind == .certificateAuthority)
        #expect(document.lines[9].kind == .key)
        #expect(document.lines[9].hostPatterns == "host5")
        #expect(document.problems.map { $0.prefix(5) } == ["/k:4:", "/k:7:", "/k:8:", "/k:9:"])
        #expect(document.problems[0].contains("expected HOSTS KEY-TYPE BASE64-KEY"))
    }
}

@Suite(.enabled(if: SSHDFixture.isEnabled, SSHDFixture.skipReason))
struct KnownHostsReadingTests {
    /// libssh2's `readfile` stopped at the first bad line, so every host below it became "unknown".
    @Test func aGarbageLineIsReportedByNumberAndLaterHostsStillVerify() async throws {
        try await SSHDFixture.with { sshd in
            let other = try TestKeys.publicKey(sshd.keys.otherHostEd25519)
            let path = try sshd.knownHosts(
                "garbage",
                [
                    "10.9.9.9 \(other)",
                    "this line is garbage",
                    "justonefield",
                    "[127.0.0.1]:\(sshd.port) \(try TestKeys.publicKey(sshd.keys.hostEd25519))",
                ]
            )
            let status = try await SSHSession.withSession(try sshd.target(knownHosts: path)) { session in
                try await session.run("true").exitStatus
            }
            #expect(status == 0)
            let document = try KnownHostsDocument.load(path: path)
            #expect(document.problems.count == 2)
            #expect(document.problems.first?.hasPrefix("\(path):2: ") == true)
            #expect(document.problems.last?.hasPrefix("\(path):3: ") == true)
        }
    }

    @Test func aRevokedKeyIsRefusedEvenWhenAnotherLineTrustsIt() async throws {
        try await SSHDFixture.with { sshd in
            let key = try TestKeys.publicKey(sshd.keys.hostEd25519)
            let path = try sshd.knownHosts(
                "revoked",
                ["[127.0.0.1]:\(sshd.port) \(key)", "@revoked * \(key)"]
            )
            let error = try await #require(throws: SSHError.self) {
                try await SSHSession.withSession(try sshd.target(knownHosts: path)) { _ in }
            }
            #expect(error.code == .hostKeyRevoked)
            #expect(error.message.contains("REVOKED by \(path):2"), "\(error.message)")
        }
    }

    @Test func aHostKnownByAnotherTypeIsChangedNotUnknown() async throws {
        try await SSHDFixture.with { sshd in
            // The host is recorded with an RSA key it does not have: whatever it presents is a change.
            let path = try sshd.knownHosts(
                "other-type",
                ["[127.0.0.1]:\(sshd.port) \(try TestKeys.publicKey(sshd.keys.clientRSA))"]
            )
            let error = try await #require(throws: SSHError.self) {
                try await SSHSession.withSession(try sshd.target(knownHosts: path)) { _ in }
            }
            #expect(error.code == .hostKeyChanged, "\(error.message)")
        }
    }
}
