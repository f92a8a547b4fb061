import FanoutProtocol

/// Answers every task of a built-in kernel with the largest value its output type holds: `UInt64.max` primes in a
/// range, `UInt64.max` points inside the circle, `UInt32.max` milliseconds slept. Outputs the coordinator's summary
/// must not add up blindly (a second `UInt64.max` overflowed `pi`'s and `primes`' totals and trapped it).
struct ImpossibleOutputs: Attack {
    static let name = "impossible-outputs"

    init(arguments: [String]) {}

    func serve(_ session: AttackSession) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await session.heartbeatForever() }
            while let batch = try await session.nextBatch() {
                let output: [UInt8]
                switch batch.job {
                case "sleep":
                    output = [UInt8](repeating: 0xFF, count: 4)
                case "pi", "primes", "noop", "sum-squares":
                    output = [UInt8](repeating: 0xFF, count: 8)
                default:
                    try await session.reply(batch.tasks.map { session.runHonestly(job: batch.job, $0) })
                    continue
                }
                try await session.reply(
                    batch.tasks.map { TaskCompletion(taskID: $0.taskID, outcome: .success(output), busyNanoseconds: 1) }
                )
            }
            group.cancelAll()
        }
    }
}
