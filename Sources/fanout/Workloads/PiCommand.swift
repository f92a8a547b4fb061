import ArgumentParser
import FanoutJobs

/// `fanout run pi`: Monte Carlo estimate of π with one seeded generator per task.
struct PiCommand: AsyncParsableCommand, Workload {
    typealias J = MonteCarloPi

    static let configuration = CommandConfiguration(
        commandName: "pi",
        abstract: "Estimate pi by Monte Carlo; seeded per task, so every run gives the same digits.",
        discussion: "Example: fanout run pi --tasks 200 --samples 2000000 --seed 7"
    )

    @Option(help: "Number of tasks.") var tasks: Int = 100
    @Option(help: "Random points per task.") var samples: UInt64 = 2_000_000
    @Option(help: "Base seed; task i uses seed + i.") var seed: UInt64 = 2026
    @OptionGroup var options: RunOptions

    func validate() throws {
        try OptionRange.check(self.tasks, "--tasks", in: OptionRange.tasks)
        // Bounded so that samples × tasks fits in 64 bits (it trapped the coordinator).
        try OptionRange.check(self.samples, "--samples", in: OptionRange.kernelSize)
    }

    var taskCount: Int { self.tasks }

    var parameters: String { "--tasks \(self.tasks) --samples \(self.samples) --seed \(self.seed)" }
    func input(at index: Int) -> MonteCarloPi.Input {
        MonteCarloPi.Input(seed: self.seed &+ UInt64(index), samples: self.samples)
    }
    func describe(_ output: UInt64) -> String { "\(output) inside" }
    func makeAccumulator() -> any WorkloadAccumulator<UInt64> {
        Estimate(samplesPerTask: self.samples, tasks: UInt64(self.tasks))
    }
    func run() async throws { try await RunDriver(workload: self, options: self.options).run() }

    /// Sums the points inside; a count above the task's samples (only a lying worker sends one) is counted apart
    /// rather than added, so no worker can overflow the sum.
    private struct Estimate: WorkloadAccumulator {
        let samplesPerTask: UInt64
        let tasks: UInt64
        var inside: UInt64 = 0
        var impossible = 0
        mutating func add(index: Int, output: UInt64) {
            if output <= self.samplesPerTask {
                self.inside &+= output
            } else {
                self.impossible += 1
            }
        }
        func summary() -> [String] {
            let (samples, overflow) = self.samplesPerTask.multipliedReportingOverflow(by: self.tasks)
            let total = overflow ? UInt64.max : samples
            let estimate = MonteCarloPi.estimate(inside: self.inside, samples: total)
            return ["pi ≈ \(estimate) from \(total) points (\(self.inside) inside)"]
                + (self.impossible > 0
                    ? ["results with more points inside than thrown (ignored): \(self.impossible)"] : [])
        }
    }
}
