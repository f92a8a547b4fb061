import ArgumentParser
import FanoutSessions

/// `fanout run sum-squares`: the classic `cpu_heavy(n)`, once per task.
struct SumSquaresCommand: WorkloadCommand {
    static let configuration = CommandConfiguration(
        commandName: SumSquaresWorkload.name,
        abstract: "Sum i*i for i < n in every task: the classic cpu_heavy(n) (CPU-bound, equal tasks).",
        discussion: "Example: fanout run sum-squares --tasks 64 --n 20000000 --speedup"
    )

    @Option(help: "Number of tasks.") var tasks: Int = SumSquaresWorkload().tasks
    @Option(help: "Terms per task.") var n: UInt64 = SumSquaresWorkload().n
    @Option(
        help: """
            XOR each i with this before squaring. 0 (the default) is the classic sum, checked against the closed \
            formula; any other value is checked against one task computed here. Being read at run time, it also \
            keeps an optimising compiler from replacing the sequential baseline's loop by that formula.
            """
    )
    var mask: UInt64 = SumSquaresWorkload().mask
    @OptionGroup var options: RunOptions

    var workload: SumSquaresWorkload { SumSquaresWorkload(tasks: self.tasks, n: self.n, mask: self.mask) }
}
