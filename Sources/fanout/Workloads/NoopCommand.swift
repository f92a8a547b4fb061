import ArgumentParser
import FanoutJobs

/// `fanout run noop`: tasks that do nothing, to measure Fanout's own overhead per task.
struct NoopCommand: AsyncParsableCommand, Workload {
    typealias J = Noop

    static let configuration = CommandConfiguration(
        commandName: "noop",
        abstract: "Tasks that return their input: measures per-task overhead (tasks per second).",
        discussion: "Example: fanout run noop --tasks 100000 --workers 2 --summary-only"
    )

    @Option(help: "Number of tasks.") var tasks: Int = 100_000
    @OptionGroup var options: RunOptions

    func validate() throws {
        try OptionRange.check(self.tasks, "--tasks", in: OptionRange.tasks)
    }

    var taskCount: Int { self.tasks }

    var parameters: String { "--tasks \(self.tasks)" }
    func input(at index: Int) -> UInt64 { UInt64(index) }
    func describe(_ output: UInt64) -> String { "\(output)" }
    func makeAccumulator() -> any WorkloadAccumulator<UInt64> { Echo() }
    func run() async throws { try await RunDriver(workload: self, options: self.options).run() }

    /// Every task must echo its own index: a wrong routing of results would show here.
    private struct Echo: WorkloadAccumulator {
        var wrong = 0
        var count = 0
        mutating func add(index: Int, output: UInt64) {
            self.count += 1
            if output != UInt64(index) { self.wrong += 1 }
        }
        func summary() -> [String] {
            ["outputs equal to their task index: \(self.count - self.wrong) of \(self.count)"]
        }
    }
}
