import ArgumentParser
import FanoutSessions

/// `fanout run primes`: count primes below a limit, split into equal-width ranges.
struct PrimesCommand: WorkloadCommand {
    static let configuration = CommandConfiguration(
        commandName: PrimesWorkload.name,
        abstract: "Count the primes below --limit by trial division (CPU-bound; later ranges cost more).",
        discussion: "Example: fanout run primes --limit 20000000 --tasks 200 --speedup"
    )

    @Option(help: "Count primes in [0, limit).") var limit: UInt64 = PrimesWorkload().limit
    @Option(help: "Number of equal-width ranges (tasks).") var tasks: Int = PrimesWorkload().tasks
    @OptionGroup var options: RunOptions

    var workload: PrimesWorkload { PrimesWorkload(limit: self.limit, tasks: self.tasks) }
}
