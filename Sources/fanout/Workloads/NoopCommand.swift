import ArgumentParser
import FanoutSessions

/// `fanout run noop`: tasks that do nothing, to measure Fanout's own overhead per task.
struct NoopCommand: WorkloadCommand {
    static let configuration = CommandConfiguration(
        commandName: NoopWorkload.name,
        abstract: "Tasks that return their input: measures per-task overhead (tasks per second).",
        discussion: "Example: fanout run noop --tasks 100000 --workers 2 --summary-only"
    )

    @Option(help: "Number of tasks.") var tasks: Int = NoopWorkload().tasks
    @OptionGroup var options: RunOptions

    var workload: NoopWorkload { NoopWorkload(tasks: self.tasks) }
}
