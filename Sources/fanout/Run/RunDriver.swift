import ArgumentParser
import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs one workload: loads the cluster file, optionally times the sequential baseline, runs the tasks on the
/// cluster, prints per-task rows and the summary, and turns the outcome into the exit status.
struct RunDriver<W: Workload> {
    let workload: W
    let options: RunOptions

    func run() async throws {
        let configuration = try Self.loadConfiguration(self.options)
        var logger = Logger(label: "fanout")
        logger.logLevel = self.options.verbose ? .info : .warning
        var clusterOptions = ClusterOptions(
            configuration: configuration,
            registry: .builtin,
            localWorkers: self.options.workers,
            logger: logger
        )
        let uploads = UploadProgress(enabled: FileHandleOutput.standardError.isTerminal)
        clusterOptions.uploadProgress = { host, sent, total in uploads.update(host: host, sent: sent, total: total) }

        let journal = try self.openJournal(clusterOptions)

        var baseline: SequentialBaseline<W.J.Output>?
        if self.options.speedup {
            FileHandleOutput.standardError.write("running \(self.workload.taskCount) tasks sequentially first…\n")
            baseline = try SequentialBaseline.measure(self.workload)
        }

        let printer = ResultPrinter<W>(
            workload: self.workload,
            format: self.options.format,
            quiet: self.options.summaryOnly
        )
        let progress = ProgressBar(total: self.workload.taskCount, enabled: FileHandleOutput.standardError.isTerminal)
        let workload = self.workload
        let ordered = self.options.ordered
        let keepOutputs = baseline != nil
        let waitForWorkers = keepOutputs || self.options.waitForWorkers
        let finalOptions = clusterOptions
        let runOutcome: Result<ClusterRunOutcome<W.J.Output>, any Error>
        do {
            runOutcome = .success(
                try await InterruptibleRun.run { () async throws -> ClusterRunOutcome<W.J.Output> in
                    let started = ContinuousClock.now
                    return try await Cluster.withCluster(finalOptions) { cluster in
                        var tally = ClusterRunOutcome<W.J.Output>(
                            started: started,
                            accumulator: workload.makeAccumulator()
                        )
                        if waitForWorkers {
                            // Start with the whole cluster; a speedup run also reports compute time apart from start-up.
                            try? await cluster.waitForLaunches(timeout: .seconds(60))
                            tally.workersReady = ContinuousClock.now
                        }
                        let inputs = (0..<workload.taskCount).lazy.map { workload.input(at: $0) }
                        do {
                            var results = cluster.map(W.J.self, inputs, ordered: ordered, journal: journal)
                                .makeAsyncIterator()
                            while let result = try await results.next() {
                                tally.record(result, keepOutputs: keepOutputs)
                                printer.print(result)
                                progress.advance()
                                // Stream: flush whenever the next result is not already here.
                                if !results.hasBufferedResults { printer.finish() }
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
        uploads.finish()
        progress.finish()
        printer.finish()
        try SummaryPrinter(
            jobName: W.J.name,
            taskCount: self.workload.taskCount,
            toStandardError: self.options.format != .table
        ).print(outcome: outcome, baseline: baseline)
        if let error = outcome.error {
            if let clusterError = error as? ClusterError, clusterError.code == .cancelled {
                throw ExitCode(130)
            }
            throw ExitCode(outcome.failed > 0 || outcome.completed > 0 ? 1 : 2)
        }
        if outcome.failed > 0 { throw ExitCode(1) }
    }

    /// Opens `--journal` for this workload, or returns `nil` without one; a journal that cannot be used is an error
    /// (exit 2) before any worker starts.
    func openJournal(_ clusterOptions: ClusterOptions) throws -> RunJournal? {
        guard let path = self.options.journal else { return nil }
        do {
            let identity = RunJournal.Identity(
                job: W.J.name,
                parameters: self.workload.parameters,
                binaryDigests: try clusterOptions.workerDigests()
            )
            let mode: RunJournal.Mode =
                self.options.resumeFailed ? .resumeFailed : self.options.resume ? .resume : .create
            let journal = try RunJournal.open(path: path, identity: identity, mode: mode)
            if journal.discardedBytes > 0 {
                FileHandleOutput.standardError.write(
                    "fanout: \(path): cut off a torn last record (\(journal.discardedBytes) bytes); "
                        + "that task runs again\n"
                )
            }
            if self.options.resume || self.options.resumeFailed {
                FileHandleOutput.standardError.write(
                    "fanout: resuming \(path): \(journal.replayCount) of \(self.workload.taskCount) tasks are "
                        + "recorded\(journal.rerunCount > 0 ? ", \(journal.rerunCount) failed ones run again" : "")\n"
                )
            }
            return journal
        } catch let error as ClusterError {
            FileHandleOutput.standardError.write("fanout: \(error.message)\n")
            throw ExitCode(2)
        }
    }

    /// Loads `--cluster`. When the user did not name a file and `./cluster.yaml` does not exist, runs on local
    /// cores with the defaults; a named file that is missing or wrong is an error (exit 2).
    static func loadConfiguration(_ options: RunOptions) throws -> ClusterConfiguration {
        let path = options.cluster ?? "cluster.yaml"
        do {
            return try ClusterConfiguration.load(path: path)
        } catch let error where error.code == .fileNotFound && options.cluster == nil {
            return ClusterConfiguration()
        } catch {
            FileHandleOutput.standardError.write("fanout: \(error.description)\n")
            throw ExitCode(2)
        }
    }
}
