import FanoutJobs
import FanoutProtocol

/// Answers every `exec` task without running it, with an output built to hurt the coordinator (issue 12,
/// findings 1 and 8):
/// - `exec-lies returns PREFIX`: besides the files asked for (empty), returned files at `../PREFIX-escape`, at the
///   absolute path `/tmp/PREFIX-absolute`, and at `PREFIX-unrequested`, which no job asked for;
/// - `exec-lies numbers`: a start time of `Int64.max`, a run time of `UInt64.max`, exit status and signal
///   `Int32.min`, slot `Int.min`.
struct ExecLies: Attack {
    static let name = "exec-lies"
    let mode: String
    let prefix: String

    init(arguments: [String]) throws {
        guard let mode = arguments.first, mode == "returns" || mode == "numbers" else {
            throw AttackArgumentError(description: "exec-lies wants 'returns PREFIX' or 'numbers'")
        }
        self.mode = mode
        self.prefix = arguments.dropFirst().first ?? "fanout-exec-lies"
    }

    func serve(_ session: AttackSession) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await session.heartbeatForever() }
            while let batch = try await session.nextBatch() {
                let completions = try batch.tasks.map { task in
                    let input = try PayloadCoder.decode(ExecInput.self, from: task.input)
                    return TaskCompletion(
                        taskID: task.taskID,
                        outcome: .success(try PayloadCoder.encode(self.output(for: input))),
                        busyNanoseconds: 1
                    )
                }
                try await session.reply(completions)
            }
            group.cancelAll()
        }
    }

    private func output(for input: ExecInput) -> ExecOutput {
        var output = ExecOutput(standardOutput: Array("lied \(input.sequence)\n".utf8), startMilliseconds: 1)
        switch self.mode {
        case "numbers":
            output.startMilliseconds = .max
            output.runtimeNanoseconds = .max
            output.exitStatus = .min
            output.signal = .min
            output.slot = .min
        default:
            output.returned = input.returns.map { ReturnedFile(path: $0, contents: Array("asked\n".utf8), error: nil) }
            for path in ["../\(self.prefix)-escape", "/tmp/\(self.prefix)-absolute", "\(self.prefix)-unrequested"] {
                output.returned.append(ReturnedFile(path: Array(path.utf8), contents: Array("evil\n".utf8), error: nil))
            }
        }
        return output
    }
}
