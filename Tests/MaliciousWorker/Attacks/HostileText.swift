import FanoutProtocol

/// Answers every even task honestly and every odd one as failed with a message built to hurt where results are
/// written: terminal escapes (clear screen, colour, bell), a bidirectional override, a tab, line breaks and forged
/// lines for TSV, JSONL and CSV, and a spreadsheet formula. (`--attack-arg TEXT` replaces the message.)
struct HostileText: Attack {
    static let name = "hostile-text"

    /// The default message: starts with `=` so that, written raw into a CSV field, a spreadsheet runs it.
    static let defaultText =
        "=HYPERLINK(\"http://evil/\",\"x\")\u{1B}[2J\u{1B}[31m\u{07}\ttab\r\nforged,line\n{\"task\":9}\u{202E}end\u{85}"

    let text: String

    init(arguments: [String]) {
        self.text = arguments.first ?? Self.defaultText
    }

    func serve(_ session: AttackSession) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await session.heartbeatForever() }
            while let batch = try await session.nextBatch() {
                try await session.reply(
                    batch.tasks.map { task in
                        task.taskID % 2 == 0
                            ? session.runHonestly(job: batch.job, task)
                            : TaskCompletion(taskID: task.taskID, outcome: .failure(self.text), busyNanoseconds: 1)
                    }
                )
            }
            group.cancelAll()
        }
    }
}
