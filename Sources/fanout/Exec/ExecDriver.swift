import ArgumentParser
import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// Runs `fanout exec`: plans the jobs, skips those a job log holds, runs the rest on the cluster, and reports each
/// as it finishes.
struct ExecDriver {
    let options: ExecCommand

    func run() async throws {
        let commandLine = try ExecCommandLine.parse(self.options.words)
        var configuration = try Self.loadConfiguration(self.options.cluster)
        let plan: ExecJobPlan
        do {
            plan = try ExecJobPlan(
                command: commandLine.command,
                sources: try commandLine.values(),
                options: self.options,
                maximumFrameBytes: configuration.limits.maxFrameBytes
            )
        } catch let problem as ExecJobPlan.Problem {
            FileHandleOutput.standardError.write("fanout exec: \(problem.message)\n")
            throw ExitCode(2)
        }

        // Which jobs still need to run.
        var done: Set<Int> = []
        if let path = self.options.joblog, self.options.resume || self.options.resumeFailed {
            let entries = JobLog.read(path: path)
            done = Set(entries.values.filter { self.options.resume || $0.succeeded }.map(\.sequence))
            done = done.filter { $0 >= 1 && $0 <= plan.jobCount }
            FileHandleOutput.standardError.write(
                "fanout exec: resuming \(path): \(done.count) of \(plan.jobCount) jobs are done, "
                    + "\(plan.jobCount - done.count) to run\n"
            )
        }
        let pending = plan.jobCount == 0 ? [] : (1...plan.jobCount).filter { !done.contains($0) }
        let jobLog: JobLog?
        do {
            jobLog = try self.options.joblog.map {
                try JobLog(path: $0, append: self.options.resume || self.options.resumeFailed)
            }
        } catch let error as JobLogError {
            FileHandleOutput.standardError.write("fanout exec: \(error.message)\n")
            throw ExitCode(2)
        }
        guard !pending.isEmpty else { return }

        // Exec jobs are processes of their own: one local worker drives every local slot, and no task is ever
        // copied to a second worker (a program's side effects must happen once).
        configuration.scheduling.speculation = false
        var localWorkers: Int?
        if case .count(0) = configuration.local.workers {
            localWorkers = 0
        } else if let jobs = self.options.jobs {
            localWorkers = 1
            configuration.local.slots = .count(jobs)
        } else if configuration.local.workers == .auto {
            localWorkers = 1
            configuration.local.slots = .count(
                configuration.local.slots.resolved(cores: 1) * max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
            )
        }
        if let jobs = self.options.jobs {
            for index in configuration.hosts.indices { configuration.hosts[index].slots = .count(jobs) }
        }
        var logger = Logger(label: "fanout")
        logger.logLevel = self.options.verbose ? .info : .warning
        let clusterOptions = ClusterOptions(
            configuration: configuration,
            registry: .builtin,
            localWorkers: localWorkers,
            logger: logger
        )

        let reporter = ExecReporter(plan: plan, resultsDirectory: self.options.results, jobLog: jobLog)
        let sentBytes = NIOLockedValueBox<[Int: Int]>([:])
        let ordered = self.options.keepOrder
        let retries = self.options.retries
        let waitForWorkers = self.options.waitForWorkers
        let outcome: Result<ExecReporter.Tally, any Error>
        do {
            outcome = .success(
                try await InterruptibleRun.run { () async throws -> ExecReporter.Tally in
                    try await Cluster.withCluster(clusterOptions) { cluster in
                        if waitForWorkers { try? await cluster.waitForLaunches(timeout: .seconds(60)) }
                        // Built as the scheduler pulls them, so transferred files are read one job at a time.
                        let inputs = pending.lazy.map { sequence in
                            let (input, sent) = plan.makeInput(sequence: sequence)
                            if sent > 0 { sentBytes.withLockedValue { $0[sequence] = sent } }
                            return input
                        }
                        var results = cluster.map(
                            Exec.self,
                            inputs,
                            ordered: ordered,
                            retries: retries,
                            retryWhen: { !$0.succeeded }
                        ).makeAsyncIterator()
                        var tally = ExecReporter.Tally()
                        do {
                            while let result = try await results.next() {
                                let sequence = pending[result.index]
                                let sent = sentBytes.withLockedValue { $0.removeValue(forKey: sequence) } ?? 0
                                tally.record(reporter.report(result, sequence: sequence, sentBytes: sent))
                                if !results.hasBufferedResults { FileHandleOutput.standardOutput.flush() }
                            }
                        } catch {
                            tally.error = error
                        }
                        return tally
                    }
                }
            )
        } catch {
            outcome = .failure(error)
        }
        FileHandleOutput.standardOutput.flush()
        let tally: ExecReporter.Tally
        switch outcome {
        case .success(let value): tally = value
        case .failure(let error):
            if let clusterError = error as? ClusterError, clusterError.code == .cancelled { throw ExitCode(130) }
            if error is CancellationError { throw ExitCode(130) }
            FileHandleOutput.standardError.write("fanout exec: \(ExecReporter.describe(error))\n")
            throw ExitCode(2)
        }
        reporter.summarize(tally, planned: pending.count)
        if let error = tally.error {
            if let clusterError = error as? ClusterError, clusterError.code == .cancelled { throw ExitCode(130) }
            FileHandleOutput.standardError.write("fanout exec: \(ExecReporter.describe(error))\n")
            throw ExitCode(tally.finished > 0 ? 1 : 2)
        }
        if tally.failed > 0 { throw ExitCode(1) }
    }

    /// Loads `--cluster`: a named file must load; without one, ./cluster.yaml if present, else local defaults.
    static func loadConfiguration(_ path: String?) throws -> ClusterConfiguration {
        do {
            return try ClusterConfiguration.load(path: path ?? "cluster.yaml")
        } catch let error where error.code == .fileNotFound && path == nil {
            return ClusterConfiguration()
        } catch {
            FileHandleOutput.standardError.write("fanout: \(error.description)\n")
            throw ExitCode(2)
        }
    }
}
