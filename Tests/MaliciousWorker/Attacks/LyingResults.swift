import FanoutProtocol

/// Runs each task honestly but lies about everything around the result: a busy time of `UInt64.max` (or
/// `--attack-arg NANOSECONDS`), the result sent twice, a result for a task id it was never given, and an error
/// text full of terminal escape sequences and forged lines.
struct LyingResults: Attack {
    static let name = "lying-results"
    let busy: UInt64

    init(arguments: [String]) throws {
        if let first = arguments.first {
            guard let value = UInt64(first) else {
                throw AttackArgumentError(description: "lying-results wants nanoseconds, got '\(first)'")
            }
            self.busy = value
        } else {
            self.busy = .max
        }
    }

    /// Text a terminal or a TSV/CSV file must never receive raw.
    static let hostileText = "\u{1B}[2J\u{1B}[31mforged\ttab\nSeq\tHost\r\u{07}=cmd|' /C calc'!A0\u{202E}"

    func serve(_ session: AttackSession) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await session.heartbeatForever() }
            while let batch = try await session.nextBatch() {
                var completions = batch.tasks.map { task in
                    var completion = session.runHonestly(job: batch.job, task)
                    completion.busyNanoseconds = self.busy
                    return completion
                }
                // The same results again, and one for a task nobody sent.
                completions += completions
                if let last = batch.tasks.last {
                    completions.append(
                        TaskCompletion(
                            taskID: last.taskID &+ 1_000_000,
                            outcome: .failure(Self.hostileText),
                            busyNanoseconds: .max
                        )
                    )
                }
                try await session.reply(completions)
                try await session.send(.log(LogLine(level: "error", message: Self.hostileText)))
            }
            group.cancelAll()
        }
    }
}
