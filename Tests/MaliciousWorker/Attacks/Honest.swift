import FanoutProtocol

/// Behaves exactly like a real worker (one task at a time): the control case of every attack test.
struct Honest: Attack {
    static let name = "honest"

    init(arguments: [String]) {}

    func serve(_ session: AttackSession) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await session.heartbeatForever() }
            while let batch = try await session.nextBatch() {
                try await session.reply(batch.tasks.map { session.runHonestly(job: batch.job, $0) })
            }
            group.cancelAll()
        }
    }
}
