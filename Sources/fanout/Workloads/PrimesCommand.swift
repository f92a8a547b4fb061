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
        guard self.tasks >= 1, UInt64(self.tasks) <= max(self.limit, 1) else {
            throw ValidationError("--tasks must be between 1 and --limit, got \(self.tasks)")
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

    func makeAccumulator() -> any WorkloadAccumulator<UInt64> { Total(limit: self.limit) }

    func run() async throws { try await RunDriver(workload: self, options: self.options).run() }

    private struct Total: WorkloadAccumulator {
        let limit: UInt64
        var count: UInt64 = 0
        mutating func add(index: Int, output: UInt64) { self.count += output }
        func summary() -> [String] { ["primes below \(self.limit): \(self.count)"] }
    }
}
