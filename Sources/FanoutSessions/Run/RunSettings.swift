import FanoutCoordinator
import FanoutJobs
import Logging

/// How a ``RunSession`` runs its workload: the command line's `fanout run` options, as values.
public struct RunSettings: Sendable {
    /// Which cluster file to read, and what a missing one means.
    public var cluster: ClusterFileLoader
    /// Local worker processes (overrides `local.workers` in the cluster file).
    public var localWorkers: Int?
    /// Report results in input order instead of completion order.
    public var ordered: Bool
    /// First run every task sequentially in this process, then on the cluster, and compare.
    public var speedup: Bool
    /// Hand out the first task only when every worker has started (or failed to).
    public var waitForWorkers: Bool
    /// Record every finished task in this file so an interrupted run can be resumed.
    public var journal: String?
    /// How the journal is opened: a new one, or resumed.
    public var journalMode: RunJournal.Mode
    /// The jobs workers can run.
    public var registry: JobRegistry
    /// Where the cluster logs worker arrivals and departures.
    public var logger: Logger
    /// What may stop the cluster part of the run early (signals on the command line); by default nothing.
    public var interruption: any RunInterruption

    /// Describes how to run.
    /// - Parameters:
    ///   - cluster: Which cluster file to read.
    ///   - localWorkers: Local worker processes, or `nil` for the cluster file's.
    ///   - ordered: Report results in input order.
    ///   - speedup: Time a sequential run first and compare.
    ///   - waitForWorkers: Start handing out tasks only when every worker has started.
    ///   - journal: A journal file, or `nil`.
    ///   - journalMode: How the journal is opened.
    ///   - registry: The jobs workers can run.
    ///   - logger: Where the cluster logs.
    ///   - interruption: What may stop the cluster run early.
    public init(
        cluster: ClusterFileLoader = ClusterFileLoader(namedPath: nil),
        localWorkers: Int? = nil,
        ordered: Bool = false,
        speedup: Bool = false,
        waitForWorkers: Bool = false,
        journal: String? = nil,
        journalMode: RunJournal.Mode = .create,
        registry: JobRegistry = .builtin,
        logger: Logger = Logger(label: "fanout"),
        interruption: any RunInterruption = NoInterruption()
    ) {
        self.cluster = cluster
        self.localWorkers = localWorkers
        self.ordered = ordered
        self.speedup = speedup
        self.waitForWorkers = waitForWorkers
        self.journal = journal
        self.journalMode = journalMode
        self.registry = registry
        self.logger = logger
        self.interruption = interruption
    }
}
