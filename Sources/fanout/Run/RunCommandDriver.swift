import FanoutJobs
import FanoutSessions

/// `fanout run JOB` after parsing: runs the workload's ``RunSession`` with Ctrl-C handling, prints results and
/// progress as they come, then the summary, and ends with the run's exit status.
struct RunCommandDriver<W: Workload> {
    let workload: W
    let options: RunOptions

    func run() async throws {
        let session = RunSession(
            workload: self.workload,
            settings: self.options.settings(interruption: SignalInterruption())
        )
        let reporter = TerminalRunReporter(workload: self.workload, options: self.options)
        let result = try await session.run(reporter: reporter)
        reporter.finish()
        let outcome = result.cluster
        try SummaryPrinter(
            jobName: W.J.name,
            taskCount: self.workload.taskCount,
            toStandardError: self.options.format != .table
        ).print(outcome: outcome, baseline: result.baseline)
        try ExitStatus.exit(
            with: ExitStatus.ofRun(
                stoppedBy: outcome.error,
                finished: outcome.completed + outcome.failed,
                failed: outcome.failed
            )
        )
    }
}
