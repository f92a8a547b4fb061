import ArgumentParser
import FanoutConfiguration
import FanoutCoordinator
import FanoutSessions
import Logging

extension ExecCommand {
    /// Parses the words, loads the cluster file, plans the jobs and runs the session, printing as it reports.
    /// Problems with the words exit 2 with the usage line; plan, job-log and cluster-file problems exit 2 through
    /// ``ExitStatus``; a failed job makes the status 1, an interrupt 130.
    func run() async throws {
        let commandLine: ExecCommandLine
        do {
            commandLine = try ExecCommandLine.parse(self.words)
        } catch {
            throw ValidationError(error.message)
        }
        let configuration = try self.cluster.load()
        let plan: ExecJobPlan
        do throws(ExecSessionError) {
            plan = try ExecJobPlan(
                self.planRequest(command: commandLine.command, sources: try commandLine.values()),
                maximumFrameBytes: configuration.limits.maxFrameBytes
            )
        } catch  where error.code == .unreadableInput {
            // Reported like the other problems with the words, with the usage line.
            throw ValidationError(error.message)
        }
        let session = ExecSession(plan: plan, configuration: configuration, options: self.sessionOptions)
        let printer = ExecPrinter()
        let tally: ExecTally
        do {
            tally = try await session.run(reporter: printer)
        } catch let error as ExecSessionError {
            // Found before any worker started (the job log): ExitStatus shows it.
            throw error
        } catch {
            FileHandleOutput.standardOutput.flush()
            try ExitStatus.exit(with: Self.exitStatus(stoppedBy: error, finished: 0))
            return
        }
        FileHandleOutput.standardOutput.flush()
        printer.summarize(tally)
        if let error = tally.error {
            try ExitStatus.exit(with: Self.exitStatus(stoppedBy: error, finished: tally.finished))
        }
        try ExitStatus.exit(with: ExitStatus.ofRun(stoppedBy: nil, finished: tally.finished, failed: tally.failed))
    }

    /// The status for an error that stopped the session, its message printed unless it is an interrupt.
    private static func exitStatus(stoppedBy error: any Error, finished: Int) -> Int32 {
        let status = ExitStatus.ofRun(stoppedBy: error, finished: finished, failed: 0)
        if status != ExitStatus.interrupted {
            FileHandleOutput.standardError.write("fanout exec: \(ExecPrinter.describe(error))\n")
        }
        return status
    }

    /// The plan's request: the parsed words and sources with the staging options.
    private func planRequest(command: [String], sources: [[[UInt8]]]) -> ExecPlanRequest {
        ExecPlanRequest(
            command: command,
            sources: sources,
            shell: self.shell,
            transferFirstInput: self.transfer,
            transferFiles: self.transferFile,
            basefiles: self.basefile,
            returns: self.return,
            cleanup: self.cleanup,
            environment: ExecPlanRequest.inheritedEnvironment(names: self.env),
            timeoutSeconds: self.timeout
        )
    }

    /// How the session runs: the options that are not about the plan.
    private var sessionOptions: ExecSessionOptions {
        var logger = ExecSessionOptions.defaultLogger
        logger.logLevel = self.verbose ? .info : .warning
        return ExecSessionOptions(
            jobsPerHost: self.jobs,
            keepOrder: self.keepOrder,
            retries: self.retries,
            resultsDirectory: self.results,
            jobLogPath: self.joblog,
            resume: self.resume ? .skipLogged : self.resumeFailed ? .skipSucceeded : nil,
            waitForWorkers: self.waitForWorkers,
            logger: logger,
            interruption: SignalInterruption()
        )
    }
}
