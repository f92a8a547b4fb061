import FanoutProtocol
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// Claims `UInt32.max` slots (or `--attack-arg N`) in its hello and then takes tasks without answering, to pull
/// as many inputs as it can into the coordinator's memory. With a second `--attack-arg FILE` it writes the number of
/// tasks it received to FILE every 100 ms, so a test can see how many it was given.
struct ClaimSlots: Attack {
    static let name = "claim-slots"
    let claimed: Int
    let reportFile: String?

    init(arguments: [String]) throws {
        if let first = arguments.first {
            guard let value = Int(first), value >= 0 else {
                throw AttackArgumentError(description: "claim-slots wants a slot count, got '\(first)'")
            }
            self.claimed = value
        } else {
            self.claimed = Int(UInt32.max)
        }
        self.reportFile = arguments.dropFirst().first
    }

    func hello(honest: Hello) -> Hello {
        var hello = honest
        hello.slots = self.claimed
        return hello
    }

    func serve(_ session: AttackSession) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await session.heartbeatForever() }
            if let reportFile = self.reportFile {
                group.addTask {
                    while true {
                        writeReport(reportFile, "\(session.tasksReceived.withLockedValue { $0 })\n")
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
            // Take everything, answer nothing.
            while try await session.nextBatch() != nil {}
            group.cancelAll()
        }
    }
}

/// Replaces FILE's content with `text` (write to a temporary name, then rename, so a reader never sees half).
func writeReport(_ path: String, _ text: String) {
    let temporary = path + ".tmp"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard descriptor >= 0 else { return }
    _ = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
    close(descriptor)
    rename(temporary, path)
}
