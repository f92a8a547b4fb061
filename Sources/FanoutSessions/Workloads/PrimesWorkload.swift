import FanoutJobs

/// Counts primes below a limit, split into equal-width ranges (CPU-bound; later ranges cost more).
public struct PrimesWorkload: Workload {
    public typealias J = Primes

    public static let name = "primes"

    /// Primes are counted in `[0, limit)`.
    public var limit: UInt64
    /// Number of equal-width ranges (tasks).
    public var tasks: Int

    /// Describes a run.
    /// - Parameters:
    ///   - limit: Primes are counted in `[0, limit)`.
    ///   - tasks: Number of equal-width ranges; the last one also takes the remainder.
    public init(limit: UInt64 = 5_000_000, tasks: Int = 100) {
        self.limit = limit
        self.tasks = tasks
    }

    public func validate() throws(SessionError) {
        try WorkloadLimits.check(self.limit, "--limit", in: WorkloadLimits.kernelSize)
        try WorkloadLimits.check(self.tasks, "--tasks", in: WorkloadLimits.tasks)
        guard UInt64(self.tasks) <= self.limit else {
            throw SessionError(
                .invalidParameters,
                "--tasks must be between 1 and --limit (\(self.limit)), got \(self.tasks)"
            )
        }
    }

    public var taskCount: Int { self.tasks }

    public var parameters: String { "--limit \(self.limit) --tasks \(self.tasks)" }

    public func input(at index: Int) -> Primes.Input {
        let width = self.limit / UInt64(self.tasks)
        let lower = UInt64(index) * width
        let upper = index == self.tasks - 1 ? self.limit : lower + width
        return Primes.Input(lower: lower, upper: upper)
    }

    public func describe(_ output: UInt64) -> String { "\(output) primes" }

    public func makeAccumulator() -> any WorkloadAccumulator<UInt64> { Total(limit: self.limit, tasks: self.tasks) }

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
