import FanoutSSH
import Foundation
import Testing

@Suite(.enabled(if: SSHDFixture.isEnabled, SSHDFixture.skipReason))
struct CommandTests {
    @Test func runCollectsOutputErrorAndExitStatus() async throws {
        try await SSHDFixture.with { sshd in
            try await SSHSession.withSession(try sshd.target()) { session in
                let echo = try await session.run("echo hi")
                #expect(echo.standardOutput == Array("hi\n".utf8))
                #expect(echo.standardError.isEmpty)
                #expect(echo.exitStatus == 0)
                #expect(echo.exitSignal == nil)

                let failing = try await session.run("exit 3")
                #expect(failing.exitStatus == 3)

                let stderr = try await session.run("echo out; echo oops >&2; exit 1")
                #expect(stderr.standardOutput == Array("out\n".utf8))
                #expect(stderr.standardError == Array("oops\n".utf8))
                #expect(stderr.exitStatus == 1)

                let killed = try await session.run("kill -TERM $$")
                #expect(killed.exitSignal == "TERM")
                #expect(killed.exitStatus == nil)
            }
        }
    }

    @Test func standardInputRoundTripsThroughCat() async throws {
        let input = try RandomBytes.make(count: 1 << 20)
        try await SSHDFixture.with { sshd in
            try await SSHSession.withSession(try sshd.target()) { session in
                let result = try await session.run("cat", standardInput: input)
                #expect(result.exitStatus == 0)
                #expect(result.standardOutput == input)
            }
        }
    }

    @Test func runTimesOut() async throws {
        try await SSHDFixture.with { sshd in
            try await SSHSession.withSession(try sshd.target()) { session in
                let clock = ContinuousClock()
                let start = clock.now
                let error = try await #require(throws: SSHError.self) {
                    try await session.run("sleep 60", timeout: .milliseconds(300))
                }
                #expect(error.code == .timedOut)
                // Generous: other tests in this process can hold cooperative threads for seconds.
                #expect(clock.now - start < .seconds(30))
                // The session stays usable after a timed-out command.
                #expect(try await session.run("echo again").standardOutput == Array("again\n".utf8))
            }
        }
    }

    @Test func roundTripTimeIsMeasuredAndHostKeyIsReported() async throws {
        try await SSHDFixture.with { sshd in
            try await SSHSession.withSession(try sshd.target()) { session in
                #expect(session.roundTripTime > .zero)
                #expect(session.roundTripTime < .seconds(5))
                #expect(session.hostKey.type == "ssh-ed25519")
                let fingerprint = try TestKeys.fingerprint(sshd.keys.hostEd25519)
                let publicKey = try TestKeys.publicKey(sshd.keys.hostEd25519)
                #expect(session.hostKey.fingerprintSHA256 == fingerprint)
                #expect("ssh-ed25519 " + session.hostKey.base64 == publicKey)
            }
        }
    }

    @Test func uploadIsByteIdentical() async throws {
        let local = NSTemporaryDirectory() + "fanout-upload-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: local) }
        let size = 5 * 1024 * 1024
        try Data(try RandomBytes.make(count: size)).write(to: URL(fileURLWithPath: local))
        let localDigest = String(try ShellCommand.check("/usr/bin/sha256sum", [local]).prefix(64))
        try await SSHDFixture.with { sshd in
            let remote = sshd.directory + "/uploaded worker"
            let progress = ProgressRecorder()
            try await SSHSession.withSession(try sshd.target()) { session in
                try await session.upload(localPath: local, remotePath: remote, mode: 0o750) { sent, total in
                    progress.record(sent, total)
                }
                let digest = try await session.run("sha256sum '\(remote)'")
                #expect(String(decoding: digest.standardOutput.prefix(64), as: UTF8.self) == localDigest)
                let mode = try await session.run("stat -c %a '\(remote)'")
                #expect(String(decoding: mode.standardOutput, as: UTF8.self) == "750\n")
            }
            let last = try #require(progress.last)
            #expect(last == (Int64(size), Int64(size)))
        }
    }

    @Test func uploadOfAMissingFileFails() async throws {
        try await SSHDFixture.with { sshd in
            try await SSHSession.withSession(try sshd.target()) { session in
                let error = try await #require(throws: SSHError.self) {
                    try await session.upload(localPath: "/nonexistent/file", remotePath: sshd.directory + "/x")
                }
                #expect(error.code == .uploadFailed)
                #expect(error.message.contains("/nonexistent/file"))
            }
        }
    }
}

/// Collects progress callbacks, which arrive on the session's thread.
final class ProgressRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [(Int64, Int64)] = []

    func record(_ sent: Int64, _ total: Int64) {
        self.lock.withLock { self.values.append((sent, total)) }
    }

    var last: (Int64, Int64)? { self.lock.withLock { self.values.last } }
}

/// Random test data from /dev/urandom (generating it byte by byte is slow in debug builds).
enum RandomBytes {
    static func make(count: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: "/dev/urandom") else { throw FixtureError("no /dev/urandom") }
        defer { try? handle.close() }
        return [UInt8](handle.readData(ofLength: count))
    }
}
