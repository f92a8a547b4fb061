import FanoutSSH
import Foundation
import Testing

@Suite(.enabled(if: SSHDFixture.isEnabled, SSHDFixture.skipReason))
struct StreamingTests {
    @Test func stdinStaysOpenUntilCancelledAndCancellationIsPrompt() async throws {
        let marker = "fanout-stream-marker-\(UUID().uuidString.prefix(8))"
        try await SSHDFixture.with { sshd in
            try await SSHSession.withSession(try sshd.target()) { session in
                let (lines, continuation) = AsyncStream.makeStream(of: String.self)
                let clock = ContinuousClock()
                try await withThrowingTaskGroup(of: SSHCommandResult.self) { group in
                    group.addTask {
                        try await session.runStreaming(
                            "echo ready >&2; cat >/dev/null; echo done >&2 # \(marker)",
                            standardInput: Array("some input\n".utf8)
                        ) { continuation.yield($0) }
                    }
                    var iterator = lines.makeAsyncIterator()
                    #expect(await iterator.next() == "ready")
                    // With stdin open, `cat` must still be running.
                    try await Task.sleep(for: .milliseconds(500))
                    #expect(ShellCommand.pgrep(marker))
                    let start = clock.now
                    group.cancelAll()
                    await #expect(throws: CancellationError.self) { _ = try await group.next() }
                    // Generous: other tests in this process can hold cooperative threads for seconds.
                    #expect(clock.now - start < .seconds(20))
                }
                continuation.finish()
                // The remote side saw EOF on stdin (and the channel close), so the process goes away.
                let deadline = clock.now + .seconds(3)
                while ShellCommand.pgrep(marker) && clock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(!ShellCommand.pgrep(marker))
                // The session is still usable after a cancelled stream.
                #expect(try await session.run("echo after").standardOutput == Array("after\n".utf8))
            }
        }
    }

    @Test func streamDeliversStandardErrorLinesAndExitStatus() async throws {
        try await SSHDFixture.with { sshd in
            let collected = LineCollector()
            let result = try await SSHSession.withSession(try sshd.target()) { session in
                try await session.runStreaming(
                    "read greeting; echo \"got $greeting\" >&2; echo out; printf 'partial' >&2; exit 5",
                    standardInput: Array("hello\n".utf8)
                ) { collected.append($0) }
            }
            #expect(collected.lines == ["got hello", "partial"])
            #expect(result.exitStatus == 5)
            #expect(result.standardOutput == Array("out\n".utf8))
        }
    }
}

/// Collects stderr lines, which arrive on the session's thread.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    func append(_ line: String) { self.lock.withLock { self.storage.append(line) } }
    var lines: [String] { self.lock.withLock { self.storage } }
}

extension ShellCommand {
    /// Whether a process whose command line contains `pattern` is running.
    static func pgrep(_ pattern: String) -> Bool {
        (try? self.run("/usr/bin/pgrep", ["-f", pattern]).status) == 0
    }
}
