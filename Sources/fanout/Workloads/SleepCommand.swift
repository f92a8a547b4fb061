import ArgumentParser
import FanoutJobs

/// `fanout run sleep`: I/O-bound tasks that wait without using the CPU.
struct SleepCommand: AsyncParsableCommand, Workload {
    typealias J = Sleep

    static let configuration = CommandConfiguration(
        commandName: "sleep",
        abstract: "Tasks that wait without CPU (I/O-bound): they speed up from concurrency, not from cores.",
        discussion: """
            Try `fanout run sleep --tasks 40 --milliseconds 100 --workers 1`, then the same with `local: {slots: 40}` \
            in cluster.yaml: more tasks in flight on one core help; more cores do not.
            """
    )

    @Option(help: "Number of tasks.") var tasks: Int = 20
    @Option(help: "Milliseconds each task waits.") var milliseconds: UInt32 = 100
    @OptionGroup var options: RunOptions

    func validate() throws {
        guard self.tasks >= 1 else { throw ValidationError("--tasks must be at least 1, got \(self.tasks)") }
        guard self.milliseconds <= 3_600_000 else { throw ValidationError("--milliseconds must be at most 3600000") }
    }

    var taskCount: Int { self.tasks }

    var parameters: String { "--tasks \(self.tasks) --milliseconds \(self.milliseconds)" }
    func input(at index: Int) -> UInt32 { self.milliseconds }
    func describe(_ output: UInt32) -> String { "slept \(output) ms" }
    func makeAccumulator() -> any WorkloadAccumulator<UInt32> { Total() }
    func run() async throws { try await RunDriver(workload: self, options: self.options).run() }

    private struct Total: WorkloadAccumulator {
        var milliseconds: UInt64 = 0
        mutating func add(index: Int, output: UInt32) { self.milliseconds += UInt64(output) }
        func summary() -> [String] { ["total time slept: \(self.milliseconds) ms"] }
    }
}
