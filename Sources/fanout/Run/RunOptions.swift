import ArgumentParser
import FanoutCoordinator
import FanoutSessions
import Logging

/// Options every `fanout run JOB` shares.
struct RunOptions: ParsableArguments {
    /// Output formats for per-task results.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, jsonl, csv
    }

    @OptionGroup var clusterFile: ClusterOption

    @Option(name: .long, help: "Local worker processes (overrides local.workers in the cluster file).")
    var workers: Int?

    @Option(name: .long, help: "Per-task output: table, jsonl (one JSON object per task) or csv.")
    var format: Format = .table

    @Flag(name: .long, help: "Print results in input order instead of completion order.")
    var ordered = false

    @Flag(name: .long, help: "Print only the summary, not one line per task.")
    var summaryOnly = false

    @Flag(
        name: .long,
        help:
            "First run every task sequentially in this process, then on the cluster; print both times and the speedup."
    )
    var speedup = false

    @Flag(
        name: .long,
        help: "Hand out the first task only when every worker has started (or failed to), so all take part."
    )
    var waitForWorkers = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Record every finished task in this file (fsynced in batches) so an interrupted run can be resumed.",
            discussion: "A run without --resume refuses a journal file that already holds records.",
            valueName: "file"
        )
    )
    var journal: String?

    @Flag(
        name: .long,
        help: """
            With --journal: run only the tasks the journal does not hold, and print the recorded results as if \
            they had just finished. Survives kill -9 of the coordinator; a torn last record is cut off. A journal \
            from another job, other parameters or another worker binary is refused.
            """
    )
    var resume = false

    @Flag(name: .long, help: "Like --resume, but the tasks the journal holds as failed run again.")
    var resumeFailed = false

    @Flag(name: .long, help: "Log worker arrivals and departures.")
    var verbose = false

    /// The run session's settings these options describe.
    /// - Parameter interruption: What may stop the cluster run early.
    /// - Returns: Settings for ``RunSession``.
    func settings(interruption: any RunInterruption) -> RunSettings {
        var logger = Logger(label: "fanout")
        logger.logLevel = self.verbose ? .info : .warning
        return RunSettings(
            cluster: self.clusterFile.loader(),
            localWorkers: self.workers,
            ordered: self.ordered,
            speedup: self.speedup,
            waitForWorkers: self.waitForWorkers,
            journal: self.journal,
            journalMode: self.resumeFailed ? .resumeFailed : self.resume ? .resume : .create,
            logger: logger,
            interruption: interruption
        )
    }

    func validate() throws {
        if let workers {
            try OptionRange.check(workers, "--workers", in: WorkloadLimits.localWorkers)
        }
        if (self.resume || self.resumeFailed) && self.journal == nil {
            throw ValidationError("--resume and --resume-failed need --journal FILE (the journal to continue)")
        }
    }
}
