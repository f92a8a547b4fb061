import FanoutJobs

/// A Monte Carlo estimate of π with one seeded generator per task, so every run gives the same digits.
public struct PiWorkload: Workload {
    public typealias J = MonteCarloPi

    public static let name = "pi"

    /// Number of tasks.
    public var tasks: Int
    /// Random points per task.
    public var samples: UInt64
    /// Base seed; task `i` uses `seed + i`.
    public var seed: UInt64

    /// Describes a run.
    /// - Parameters:
    ///   - tasks: Number of tasks.
    ///   - samples: Random points per task.
    ///   - seed: Base seed; task `i` uses `seed + i`.
    public init(tasks: Int = 100, samples: UInt64 = 2_000_000, seed: UInt64 = 2026) {
        self.tasks = tasks
        self.samples = samples
        self.seed = seed
    }

    public func validate() throws(SessionError) {
        try WorkloadLimits.check(self.tasks, "--tasks", in: WorkloadLimits.tasks)
        // Bounded so that samples × tasks fits in 64 bits (it trapped the coordinator).
        try WorkloadLimits.check(self.samples, "--samples", in: WorkloadLimits.kernelSize)
    }

    public var taskCount: Int { self.tasks }

    public var parameters: String { "--tasks \(self.tasks) --samples \(self.samples) --seed \(self.seed)" }
    public func input(at index: Int) -> MonteCarloPi.Input {
        MonteCarloPi.Input(seed: self.seed &+ UInt64(index), samples: self.samples)
    }
    public func describe(_ output: UInt64) -> String { "\(output) inside" }
    public func makeAccumulator() -> any WorkloadAccumulator<UInt64> {
        Estimate(samplesPerTask: self.samples, tasks: UInt64(self.tasks))
    }

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
