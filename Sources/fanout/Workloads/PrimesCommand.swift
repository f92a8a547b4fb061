import ArgumentParser
import FanoutJobs

/// `fanout run primes`: count primes below a limit, split into equal-width ranges.
struct PrimesCommand: AsyncParsableCommand, Workload {
    typealias J = Primes

    static let configuration = CommandConfiguration(
        commandName: "primes",
        abstract: "Count the primes below --limit by trial division (CPU-bound; later ranges cost more).",
        discussion: "Example: fanout run primes --limit 20000000 --tasks 200 --speedup"
    )

    @Option(help: "Count primes in [0, limit).") var limit: UInt64 = 5_000_000
    @Option(help: "Number of equal-width ranges (tasks).") var tasks: Int = 100
    @OptionGroup var options: RunOptions

    func validate() throws {
        try OptionRange.check(self.limit, "--limit", in: OptionRange.kernelSize)
        try OptionRange.check(self.tasks, "--tasks", in: OptionRange.tasks)
        guard UInt64(self.tasks) <= self.limit else {
            throw ValidationError("--tasks must be between 1 and --limit (\(self.limit)), got \(self.tasks)")
        }
    }

    var taskCount: Int { self.tasks }

    var parameters: String { "--limit \(self.limit) --tasks \(self.tasks)" }

    func input(at index: Int) -> Primes.Input {
        let width = self.limit / UInt64(self.tasks)
        let lower = UInt64(index) * width
        let upper = index == self.tasks - 1 ? self.limit : lower + width
        return Primes.Input(lower: lower, upper: upper)
    }

    func describe(_ output: UInt64) -> String { "\(output) primes" }

    func makeAccumulator() -> any WorkloadAccumulator<UInt64> { Total(limit: self.limit, tasks: self.tasks) }

    func run() async throws { try await RunDriver(workload: self, options: self.options).run() }

    /// Sums the counts; a count larger than its range (only a lying worker sends one) is counted apart rather
    /// than added, so no worker can overflow the total.
    private struct Total: WorkloadAccumulator {
        let limit: UInt64
        let tasks: Int
        var count: UInt64 = 0
        var impossible = 0
        mutating func add(index: Int, output: UInt64) {
            let width = self.limit / UInt64(self.tasks)
            let lastWidth = self.limit - width * UInt64(self.tasks - 1)
            if output <= (index == self.tasks - 1 ? lastWidth : width) {
                self.count &+= output
            } else {
                self.impossible += 1
            }
        }
        func summary() -> [String] {
            ["primes below \(self.limit): \(self.count)"]
                + (self.impossible > 0 ? ["counts larger than their range (ignored): \(self.impossible)"] : [])
        }
    }
}
