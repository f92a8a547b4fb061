import FanoutCoordinator
import FanoutSessions

/// Prints what an exec session reports: each finished job's output whole (never interleaved with another's), its
/// problems on standard error, and the failures at the end.
struct ExecPrinter: ExecReporter {
    func resumed(_ resumption: ExecResumption) {
        FileHandleOutput.standardError.write(
            "fanout exec: resuming \(resumption.jobLogPath): \(resumption.done.count) of \(resumption.jobCount) jobs "
                + "are done, \(resumption.remaining) to run\n"
        )
    }

    func jobFinished(_ report: ExecJobReport, moreReady: Bool) {
        if let failure = report.taskFailure {
            FileHandleOutput.standardOutput.flush()
            FileHandleOutput.standardError.write(
                "fanout exec: job \(report.sequence) (\(report.commandLine)) failed: \(failure)\n"
            )
        } else {
            if !report.standardOutput.isEmpty { FileHandleOutput.standardOutput.write(bytes: report.standardOutput) }
            if !report.standardError.isEmpty {
                FileHandleOutput.standardOutput.flush()
                FileHandleOutput.standardError.write(bytes: report.standardError)
            }
        }
        for problem in report.resultsProblems {
            FileHandleOutput.standardError.write("fanout exec: --results: \(problem)\n")
        }
        for problem in report.problems {
            FileHandleOutput.standardError.write("fanout exec: job \(report.sequence): \(problem)\n")
        }
        if !moreReady { FileHandleOutput.standardOutput.flush() }
    }

    /// Prints the failures, if any, on standard error.
    /// - Parameter tally: What the session did.
    func summarize(_ tally: ExecTally) {
        FileHandleOutput.standardOutput.flush()
        guard tally.failed > 0 else { return }
        var text = "fanout exec: \(tally.failed) of \(tally.planned) jobs failed:\n"
        for failure in tally.failures {
            text += "  \(failure)\n"
        }
        if tally.failed > tally.failures.count {
            text += "  … and \(tally.failed - tally.failures.count) more\n"
        }
        FileHandleOutput.standardError.write(text)
    }

    /// A readable message for an error that ended the run.
    /// - Parameter error: The error.
    /// - Returns: Its message.
    static func describe(_ error: any Error) -> String {
        if let clusterError = error as? ClusterError { return clusterError.message }
        return "\(error)"
    }
}
