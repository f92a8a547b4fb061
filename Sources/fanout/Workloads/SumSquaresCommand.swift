import ArgumentParser
import FanoutJobs

/// `fanout run sum-squares`: the classic `cpu_heavy(n)`, once per task.
struct SumSquaresCommand: AsyncParsableCommand, Workload {
    typealias J = SumSquares

    static let configuration = CommandConfiguration(
        commandName: "sum-squares",
        abstract: "Sum i*i for i < n in every task: the classic cpu_heavy(n) (CPU-bound, equal tasks).",
        discussion: "Example: fanout run sum-squares --tasks 64 --n 20000000 --speedup"
    )

    @Option(help: "Number of tasks.") var tasks: Int = 32
    @Option(help: "Terms per task.") var n: UInt64 = 10_000_000
    @Option(
        help: """
            XOR each i with this before squaring. 0 (the default) is the classic sum, checked against the closed \
            formula; any other value is checked against one task computed here. Being read at run time, it also \
            keeps an optimising compiler from replacing the sequential baseline's loop by that formula.
            """
    )
    var mask: UInt64 = 0
    @OptionGroup var options: RunOptions

    func validate() throws {
        try OptionRange.check(self.tasks, "--tasks", in: OptionRange.tasks)
        // Bounded so that the closed formula's 2n − 1 cannot overflow (it trapped the coordinator at n ≥ 2⁶³).
        try OptionRange.check(self.n, "--n", in: OptionRange.kernelSize)
    }

    var taskCount: Int { self.tasks }

    var parameters: String { "--tasks \(self.tasks) --n \(self.n)" + (self.mask == 0 ? "" : " --mask \(self.mask)") }
    func input(at index: Int) -> SumSquares.Input { SumSquares.Input(n: self.n, mask: self.mask) }
    func describe(_ output: UInt64) -> String { "\(output)" }
    func makeAccumulator() -> any WorkloadAccumulator<UInt64> {
        let expected =
            self.mask == 0
            ? Self.closedForm(self.n) : ((try? SumSquares.run(SumSquares.Input(n: self.n, mask: self.mask))) ?? 0)
        return Check(n: self.n, mask: self.mask, expected: expected)
    }
    func run() async throws { try await RunDriver(workload: self, options: self.options).run() }

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
    static func closedForm(_ n: UInt64) -> UInt64 {
        guard n > 0 else { return 0 }
        var a = n
        var b = n - 1
        var c = 2 * n - 1
        if a % 2 == 0 { a /= 2 } else { b /= 2 }
        if a % 3 == 0 { a /= 3 } else if b % 3 == 0 { b /= 3 } else { c /= 3 }
        return a &* b &* c
    }
}
