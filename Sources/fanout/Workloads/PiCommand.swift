import ArgumentParser
import FanoutSessions

/// `fanout run pi`: Monte Carlo estimate of π with one seeded generator per task.
struct PiCommand: WorkloadCommand {
    static let configuration = CommandConfiguration(
        commandName: PiWorkload.name,
        abstract: "Estimate pi by Monte Carlo; seeded per task, so every run gives the same digits.",
        discussion: "Example: fanout run pi --tasks 200 --samples 2000000 --seed 7"
    )

    @Option(help: "Number of tasks.") var tasks: Int = PiWorkload().tasks
    @Option(help: "Random points per task.") var samples: UInt64 = PiWorkload().samples
    @Option(help: "Base seed; task i uses seed + i.") var seed: UInt64 = PiWorkload().seed
    @OptionGroup var options: RunOptions

    var workload: PiWorkload { PiWorkload(tasks: self.tasks, samples: self.samples, seed: self.seed) }
}
