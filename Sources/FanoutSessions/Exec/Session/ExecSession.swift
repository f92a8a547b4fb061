import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import NIOConcurrencyHelpers

/// Runs an exec plan on a cluster, GNU Parallel style: skips the jobs a resumed job log holds, starts the workers,
/// hands the jobs out as the scheduler asks for them, and records each as it finishes (returned files, `--results`,
/// `--joblog`), telling an ``ExecReporter``. It prints nothing.
///
/// ```swift
/// let words = ["gzip", "-k", "{}", ":::", "a.log", "b.log"]
/// let commandLine = try ExecCommandLine.parse(words)
/// let configuration = ClusterConfiguration()
/// let plan = try ExecJobPlan(
///     ExecPlanRequest(command: commandLine.command, sources: try commandLine.values()),
///     maximumFrameBytes: configuration.limits.maxFrameBytes
/// )
/// let tally = try await ExecSession(plan: plan, configuration: configuration).run(reporter: myReporter)
/// ```
public struct ExecSession: Sendable {
    /// The jobs.
    public let plan: ExecJobPlan
    /// The cluster file's settings (the session adjusts them for exec: see ``run(reporter:)``).
    public let configuration: ClusterConfiguration
    /// How to run.
    public let options: ExecSessionOptions

    /// Describes a session.
    /// - Parameters:
    ///   - plan: The jobs.
    ///   - configuration: The cluster to run them on.
    ///   - options: How to run them.
    public init(plan: ExecJobPlan, configuration: ClusterConfiguration, options: ExecSessionOptions = .init()) {
        self.plan = plan
        self.configuration = configuration
        self.options = options
    }

    /// Runs every job the job log does not already hold.
    ///
    /// One local worker drives all local slots, speculation is off (a job's side effects must happen once), and
    /// `--jobs` sets the slots of every host. Cancelling the task (or ``ExecSessionOptions/interruption``) stops
    /// handing out jobs and stops the workers; the tally then holds what finished, with the cancellation as its
    /// ``ExecTally/error``.
    /// - Parameter reporter: Told of the resumption and of every finished job.
    /// - Returns: What ran, what failed, and what stopped the run early if anything did.
    /// - Throws: ``ExecSessionError`` when the options are invalid or the job log cannot be opened (before any
    ///   worker starts); `ClusterError` when the cluster cannot start; `CancellationError`.
    public func run(reporter: some ExecReporter) async throws -> ExecTally {
        try self.options.validate()
        let plan = self.plan
        var pending = plan.jobCount == 0 ? [] : Array(1...plan.jobCount)
        if let mode = self.options.resume, let path = self.options.jobLogPath {
            let resumption = ExecResumption.read(jobLogPath: path, mode: mode, jobCount: plan.jobCount)
            reporter.resumed(resumption)
            pending = resumption.pending
        }
        var jobLog: JobLog?
        if let path = self.options.jobLogPath {
            jobLog = try JobLog(path: path, append: self.options.resume != nil)
        }
        guard !pending.isEmpty else { return ExecTally(planned: 0) }

        let (configuration, localWorkers) = Self.clusterSettings(
            self.configuration,
            jobsPerHost: self.options.jobsPerHost,
            processors: Self.onlineProcessors
        )
        let clusterOptions = ClusterOptions(
            configuration: configuration,
            registry: .builtin,
            workerExecutable: self.options.workerExecutable,
            localWorkers: localWorkers,
            logger: self.options.logger
        )
        let recorder = ExecResultRecorder(
            plan: plan,
            resultsDirectory: self.options.resultsDirectory,
            jobLog: jobLog,
            directory: "."
        )
        let sentBytes = NIOLockedValueBox<[Int: Int]>([:])
        let options = self.options
        let jobs = pending
        return try await options.interruption.run { () async throws -> ExecTally in
            try await Cluster.withCluster(clusterOptions) { cluster in
                if options.waitForWorkers {
                    try? await cluster.waitForLaunches(timeout: ExecSessionOptions.waitForWorkersTimeout)
                }
                // Built as the scheduler pulls them, so transferred files are read one job at a time.
                let inputs = jobs.lazy.map { sequence in
                    let (input, sent) = plan.makeInput(sequence: sequence)
                    if sent > 0 { sentBytes.withLockedValue { $0[sequence] = sent } }
                    return input
                }
                var results = cluster.map(
                    Exec.self,
                    inputs,
                    ordered: options.keepOrder,
                    retries: options.retries,
                    retryWhen: { !$0.succeeded }
                ).makeAsyncIterator()
                var tally = ExecTally(planned: jobs.count)
                do {
                    while let result = try await results.next() {
                        let sequence = jobs[result.index]
                        let sent = sentBytes.withLockedValue { $0.removeValue(forKey: sequence) } ?? 0
                        let report = recorder.record(result, sequence: sequence, sentBytes: sent)
                        tally.record(report)
                        reporter.jobFinished(report, moreReady: results.hasBufferedResults)
                    }
                } catch {
                    tally.error = error
                }
                return tally
            }
        }
    }
}
