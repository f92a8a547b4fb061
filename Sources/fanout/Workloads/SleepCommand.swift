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
        try OptionRange.check(self.tasks, "--tasks", in: OptionRange.tasks)
        try OptionRange.check(self.milliseconds, "--milliseconds", in: OptionRange.sleepMilliseconds)
    }

    var taskCount: Int { self.tasks }

    var parameters: String { "--tasks \(self.tasks) --milliseconds \(self.milliseconds)" }
    func input(at index: Int) -> UInt32 { self.milliseconds }
    func describe(_ output: UInt32) -> String { "slept \(output) ms" }
    func run() async throws { try await RunDriver(workload: self, options: self.options).run() }

    func makeAccumulator() -> any WorkloadAccumulator<UInt32> { Total(requested: self.milliseconds) }

    /// Sums what the tasks report; a result other than the requested wait (only a lying worker sends one) is
    /// counted apart rather than added, so no worker can overflow the total.
    private struct Total: WorkloadAccumulator {
        let requested: UInt32
        var milliseconds: UInt64 = 0
        var unexpected = 0
        mutating func add(index: Int, output: UInt32) {
            if output == self.requested {
                self.milliseconds &+= UInt64(output)
            } else {
                self.unexpected += 1
            }
        }
        func summary() -> [String] {
            ["total time slept: \(self.milliseconds) ms"]
                + (self.unexpected > 0
                    ? ["results other than the requested \(self.requested) ms: \(self.unexpected)"] : [])
        }
    }
}
