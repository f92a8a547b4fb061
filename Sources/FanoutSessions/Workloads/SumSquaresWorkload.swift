import FanoutJobs

/// Sums `i*i` for `i < n` in every task: the classic `cpu_heavy(n)` (CPU-bound, equal tasks).
public struct SumSquaresWorkload: Workload {
    public typealias J = SumSquares

    public static let name = "sum-squares"

    /// Number of tasks.
    public var tasks: Int
    /// Terms per task.
    public var n: UInt64
    /// XOR each `i` with this before squaring; 0 is the classic sum, checked against the closed formula.
    public var mask: UInt64

    /// Describes a run.
    /// - Parameters:
    ///   - tasks: Number of tasks.
    ///   - n: Terms per task.
    ///   - mask: XOR each `i` with this before squaring; any value but 0 is checked against one task computed in
    ///     this process (and keeps an optimising compiler from replacing the loop by the formula).
    public init(tasks: Int = 32, n: UInt64 = 10_000_000, mask: UInt64 = 0) {
        self.tasks = tasks
        self.n = n
        self.mask = mask
    }

    public func validate() throws(SessionError) {
        try WorkloadLimits.check(self.tasks, "--tasks", in: WorkloadLimits.tasks)
        // Bounded so that the closed formula's 2n − 1 cannot overflow (it trapped the coordinator at n ≥ 2⁶³).
        try WorkloadLimits.check(self.n, "--n", in: WorkloadLimits.kernelSize)
    }

    public var taskCount: Int { self.tasks }

    public var parameters: String {
        "--tasks \(self.tasks) --n \(self.n)" + (self.mask == 0 ? "" : " --mask \(self.mask)")
    }
    public func input(at index: Int) -> SumSquares.Input { SumSquares.Input(n: self.n, mask: self.mask) }
    public func describe(_ output: UInt64) -> String { "\(output)" }
    public func makeAccumulator() -> any WorkloadAccumulator<UInt64> {
        let expected =
            self.mask == 0
            ? Self.closedForm(self.n) : ((try? SumSquares.run(SumSquares.Input(n: self.n, mask: self.mask))) ?? 0)
        return Check(n: self.n, mask: self.mask, expected: expected)
    }

    /// Checks every task against the closed formula n(n-1)(2n-1)/6 (mod 2⁶⁴), computed without overflow, or with
    /// a mask against one task computed in this process.
    private struct Check: WorkloadAccumulator {
        let n: UInt64
        let mask: UInt64
        let expected: UInt64
        var wrong = 0
        var count = 0
        mutating func add(index: Int, output: UInt64) {
            self.count += 1
            if output != self.expected { self.wrong += 1 }
        }
        func summary() -> [String] {
            if self.mask != 0 {
                return [
                    "sum of (i^\(self.mask))^2 for i < \(self.n): \(self.expected) (mod 2^64)",
                    "tasks checked against one computed here: \(self.count - self.wrong) correct, \(self.wrong) wrong",
                ]
            }
            return [
                "sum of i*i for i < \(self.n): \(self.expected) (mod 2^64)",
                "tasks checked against the closed formula: \(self.count - self.wrong) correct, \(self.wrong) wrong",
            ]
        }
    }

    /// n(n-1)(2n-1)/6 modulo 2⁶⁴, dividing before multiplying so nothing overflows before the final wrap.
    /// - Parameter n: The number of terms.
    /// - Returns: The sum of `i*i` for `i < n`, modulo 2⁶⁴.
    public static func closedForm(_ n: UInt64) -> UInt64 {
        guard n > 0 else { return 0 }
        var a = n
        var b = n - 1
        var c = 2 * n - 1
        if a % 2 == 0 { a /= 2 } else { b /= 2 }
        if a % 3 == 0 { a /= 3 } else if b % 3 == 0 { b /= 3 } else { c /= 3 }
        return a &* b &* c
    }
}
