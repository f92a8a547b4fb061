import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Logging

/// Runs one workload on a cluster: loads the cluster file, opens the journal, optionally times the sequential
/// baseline, runs the tasks, tallies what comes back and closes the journal.
///
/// Nothing is printed: notices, per-task results and upload progress reach the caller through its
/// ``RunReporter``; the summary is the returned ``RunOutcome``.
///
/// ```swift
/// struct Quiet: RunReporter {
///     func taskFinished(_ result: TaskResult<UInt64>, moreBuffered: Bool) {}
/// }
/// let workload = PrimesWorkload(limit: 1_000_000, tasks: 50)
/// let session = RunSession(workload: workload, settings: RunSettings(localWorkers: 4))
/// let outcome = try await session.run(reporter: Quiet())
/// print(try outcome.cluster.accumulator.summary())  // ["primes below 1000000: 78498"]
/// ```
public struct RunSession<W: Workload>: Sendable {
    /// The workload.
    public let workload: W
    /// How to run it.
    public let settings: RunSettings

    /// Describes a run.
    /// - Parameters:
    ///   - workload: The workload.
    ///   - settings: How to run it.
    public init(workload: W, settings: RunSettings) {
        self.workload = workload
        self.settings = settings
    }

    /// Runs the workload.
    ///
    /// Tasks that fail, a cluster that stops the run and cancellation (through ``RunSettings/interruption``) are
    /// part of the outcome; only errors before the first task, and a cluster that could not start, are thrown.
    /// - Parameter reporter: Receives notices, each result as it arrives and upload progress.
    /// - Returns: The tally of the run and, with ``RunSettings/speedup``, the sequential baseline.
    /// - Throws: ``SessionError`` (cluster file, journal) before any worker starts; what starting the cluster
    ///   throws.
    public func run<Reporter: RunReporter<W.J.Output>>(reporter: Reporter) async throws -> RunOutcome<W.J.Output> {
        let configuration = try self.settings.cluster.load()
        var clusterOptions = ClusterOptions(
            configuration: configuration,
            registry: self.settings.registry,
            localWorkers: self.settings.localWorkers,
            logger: self.settings.logger
        )
        clusterOptions.uploadProgress = { host, sent, total in
            reporter.uploadProgress(host: host, sent: sent, total: total)
        }
        let journal = try self.openJournal(clusterOptions, reporter: reporter)

        var baseline: SequentialBaseline<W.J.Output>?
        if self.settings.speedup {
            reporter.notice(.sequentialBaselineStarted(tasks: self.workload.taskCount))
            baseline = try await SequentialBaseline.measureOnDedicatedThread(self.workload)
        }

        let workload = self.workload
        let ordered = self.settings.ordered
        let keepOutputs = baseline != nil
        let waitForWorkers = keepOutputs || self.settings.waitForWorkers
        let finalOptions = clusterOptions
        let runOutcome: Result<ClusterRunOutcome<W.J.Output>, any Error>
        do {
            runOutcome = .success(
                try await self.settings.interruption.run { () async throws -> ClusterRunOutcome<W.J.Output> in
                    try await Self.runOnCluster(
                        workload,
                        options: finalOptions,
                        journal: journal,
                        ordered: ordered,
                        keepOutputs: keepOutputs,
                        waitForWorkers: waitForWorkers,
                        reporter: reporter
                    )
                }
            )
        } catch {
            runOutcome = .failure(error)
        }
        // Whatever happened, what the journal holds reaches the disk before the summary.
        var journalError: (any Error)?
        do { try journal?.close() } catch { journalError = error }
        var outcome = try runOutcome.get()
        outcome.journalPath = journal?.path
        if outcome.error == nil, let journalError { outcome.error = journalError }
        return RunOutcome(cluster: outcome, baseline: baseline)
    }

    private static func runOnCluster<Reporter: RunReporter<W.J.Output>>(
        _ workload: W,
        options: ClusterOptions,
        journal: RunJournal?,
        ordered: Bool,
        keepOutputs: Bool,
        waitForWorkers: Bool,
        reporter: Reporter
    ) async throws -> ClusterRunOutcome<W.J.Output> {
        let started = ContinuousClock.now
        return try await Cluster.withCluster(options) { cluster in
            var tally = ClusterRunOutcome<W.J.Output>(started: started, accumulator: workload.makeAccumulator())
            if waitForWorkers {
                // Start with the whole cluster; a speedup run also reports compute time apart from start-up.
                try? await cluster.waitForLaunches(timeout: .seconds(60))
                tally.workersReady = ContinuousClock.now
            }
            let inputs = (0..<workload.taskCount).lazy.map { workload.input(at: $0) }
            do {
                var results = cluster.map(W.J.self, inputs, ordered: ordered, journal: journal).makeAsyncIterator()
                while let result = try await results.next() {
                    tally.record(result, keepOutputs: keepOutputs)
                    reporter.taskFinished(result, moreBuffered: results.hasBufferedResults)
                }
            } catch {
                tally.error = error
            }
            tally.finished = ContinuousClock.now
            tally.workers = cluster.statistics.workers
            tally.hosts = cluster.statistics.hostReports
            tally.retried = cluster.statistics.retriedTasks
            tally.speculativeCopies = cluster.statistics.speculativeCopies
            tally.speculativeWins = cluster.statistics.speculativeWins
            tally.movedTasks = cluster.statistics.movedTasks
            return tally
        }
    }

    /// Opens the journal for this workload, or returns `nil` without one; a journal that cannot be used is an
    /// error before any worker starts.
    private func openJournal(
        _ clusterOptions: ClusterOptions,
        reporter: some RunReporter<W.J.Output>
    ) throws -> RunJournal? {
        guard let path = self.settings.journal else { return nil }
        do {
            let identity = RunJournal.Identity(
                job: W.J.name,
                parameters: self.workload.parameters,
                binaryDigests: try clusterOptions.workerDigests()
            )
            let journal = try RunJournal.open(path: path, identity: identity, mode: self.settings.journalMode)
            if journal.discardedBytes > 0 {
                reporter.notice(.tornJournalRecordCut(path: path, bytes: journal.discardedBytes))
            }
            if self.settings.journalMode != .create {
                reporter.notice(
                    .resuming(
                        path: path,
                        recorded: journal.replayCount,
                        tasks: self.workload.taskCount,
                        failedToRerun: journal.rerunCount
                    )
                )
            }
            return journal
        } catch let error as ClusterError {
            throw SessionError(.journal, error.message)
        }
    }
}
