import ArgumentParser
import FanoutSessions

/// `fanout run sleep`: I/O-bound tasks that wait without using the CPU.
struct SleepCommand: WorkloadCommand {
    static let configuration = CommandConfiguration(
        commandName: SleepWorkload.name,
        abstract: "Tasks that wait without CPU (I/O-bound): they speed up from concurrency, not from cores.",
        discussion: """
            Try `fanout run sleep --tasks 40 --milliseconds 100 --workers 1`, then the same with `local: {slots: 40}` \
            in cluster.yaml: more tasks in flight on one core help; more cores do not.
            """
    )

    @Option(help: "Number of tasks.") var tasks: Int = SleepWorkload().tasks
    @Option(help: "Milliseconds each task waits.") var milliseconds: UInt32 = SleepWorkload().milliseconds
    @OptionGroup var options: RunOptions

    var workload: SleepWorkload { SleepWorkload(tasks: self.tasks, milliseconds: self.milliseconds) }
}
