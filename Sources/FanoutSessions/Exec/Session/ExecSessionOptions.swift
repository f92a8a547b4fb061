import FanoutCoordinator
import Logging

/// How an ``ExecSession`` runs its plan: slots, order, retries, where results and the job log go, and resuming.
public struct ExecSessionOptions: Sendable {
    /// The accepted ``jobsPerHost``.
    public static let jobsRange = 1...4096
    /// The accepted ``retries``.
    public static let retriesRange = 0...100
    /// How long ``waitForWorkers`` waits for every launch to end (started, or failed to).
    public static let waitForWorkersTimeout: Duration = .seconds(60)

    /// Jobs run at once per host, this machine included (`--jobs`); `nil`: one per core here, the cluster file's
    /// slots on hosts.
    public var jobsPerHost: Int?
    /// Report jobs in input order instead of completion order (`--keep-order`).
    public var keepOrder: Bool
    /// Run a failed job up to this many more times, on another host when there is one (`--retries`).
    public var retries: Int
    /// Also write each job's output to DIR/SEQ/stdout, stderr, exitval and signal (`--results`).
    public var resultsDirectory: String?
    /// Log every finished job to this TSV file, GNU Parallel's format (`--joblog`).
    public var jobLogPath: String?
    /// Skip the jobs the job log holds (`--resume`, `--resume-failed`); needs ``jobLogPath``.
    public var resume: ExecResumption.Mode?
    /// Hand out the first job only when every worker has started or failed to (`--wait-for-workers`).
    public var waitForWorkers: Bool
    /// Where the cluster logs worker arrivals and departures.
    public var logger: Logger
    /// The program started as the local worker (default: `fanout-worker` next to this program).
    public var workerExecutable: WorkerExecutable
    /// What may stop the cluster run early (the command line: SIGINT and SIGTERM); the job log is read and opened
    /// before it starts.
    public var interruption: any RunInterruption

    /// Creates options; the defaults are `fanout exec`'s.
    /// - Parameters:
    ///   - jobsPerHost: Jobs at once per host, or `nil`.
    ///   - keepOrder: Report in input order.
    ///   - retries: Runs of a failed job after the first.
    ///   - resultsDirectory: Where to write each job's output, or `nil`.
    ///   - jobLogPath: The job log, or `nil`.
    ///   - resume: Which logged jobs to skip, or `nil` to start the log afresh.
    ///   - waitForWorkers: Wait for every launch before the first job.
    ///   - logger: The cluster's logger (default: warnings only).
    ///   - workerExecutable: The local worker program.
    ///   - interruption: What may stop the cluster run early.
    public init(
        jobsPerHost: Int? = nil,
        keepOrder: Bool = false,
        retries: Int = 0,
        resultsDirectory: String? = nil,
        jobLogPath: String? = nil,
        resume: ExecResumption.Mode? = nil,
        waitForWorkers: Bool = false,
        logger: Logger = Self.defaultLogger,
        workerExecutable: WorkerExecutable = .besideCurrentExecutable(),
        interruption: any RunInterruption = NoInterruption()
    ) {
        self.jobsPerHost = jobsPerHost
        self.keepOrder = keepOrder
        self.retries = retries
        self.resultsDirectory = resultsDirectory
        self.jobLogPath = jobLogPath
        self.resume = resume
        self.waitForWorkers = waitForWorkers
        self.logger = logger
        self.workerExecutable = workerExecutable
        self.interruption = interruption
    }

    /// A logger labelled `fanout` that shows warnings and worse.
    public static var defaultLogger: Logger {
        var logger = Logger(label: "fanout")
        logger.logLevel = .warning
        return logger
    }

    /// Checks the values the command line checks for itself, for callers that build options in code.
    /// - Throws: ``ExecSessionError`` with code ``ExecSessionError/Code/usage`` naming the value.
    public func validate() throws(ExecSessionError) {
        if let jobs = self.jobsPerHost, !Self.jobsRange.contains(jobs) {
            throw ExecSessionError(
                .usage,
                "jobs per host must be from \(Self.jobsRange.lowerBound) to \(Self.jobsRange.upperBound), got \(jobs)"
            )
        }
        if !Self.retriesRange.contains(self.retries) {
            throw ExecSessionError(
                .usage,
                "retries must be from \(Self.retriesRange.lowerBound) to \(Self.retriesRange.upperBound), "
                    + "got \(self.retries)"
            )
        }
        if self.resume != nil, self.jobLogPath == nil {
            throw ExecSessionError(.usage, "resuming needs a job log (the log to continue)")
        }
    }
}
