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
        guard self.tasks >= 1 else { throw ValidationError("--tasks must be at least 1, got \(self.tasks)") }
    }

    var taskCount: Int { self.tasks }

    var parameters: String { "--tasks \(self.tasks) --samples \(self.samples) --seed \(self.seed)" }
    func input(at index: Int) -> MonteCarloPi.Input {
        MonteCarloPi.Input(seed: self.seed &+ UInt64(index), samples: self.samples)
    }
    func describe(_ output: UInt64) -> String { "\(output) inside" }
    func makeAccumulator() -> any WorkloadAccumulator<UInt64> {
        Estimate(samples: self.samples * UInt64(self.tasks))
    }
    func run() async throws { try await RunDriver(workload: self, options: self.options).run() }

    private struct Estimate: WorkloadAccumulator {
        let samples: UInt64
        var inside: UInt64 = 0
        mutating func add(index: Int, output: UInt64) { self.inside += output }
        func summary() -> [String] {
            let estimate = MonteCarloPi.estimate(inside: self.inside, samples: self.samples)
            return ["pi ≈ \(estimate) from \(self.samples) points (\(self.inside) inside)"]
        }
    }
}
