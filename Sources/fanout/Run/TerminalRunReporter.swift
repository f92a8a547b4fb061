import FanoutCoordinator
import FanoutSessions

/// Prints what a ``RunSession`` reports: notices and the upload line on stderr, one row per result on stdout, a
/// progress bar on a terminal.
struct TerminalRunReporter<W: Workload>: RunReporter {
    private let printer: ResultPrinter<W>
    private let progress: ProgressBar
    private let uploads: UploadProgress

    init(workload: W, options: RunOptions) {
        let terminal = FileHandleOutput.standardError.isTerminal
        self.printer = ResultPrinter(workload: workload, format: options.format, quiet: options.summaryOnly)
        self.progress = ProgressBar(total: workload.taskCount, enabled: terminal)
        self.uploads = UploadProgress(enabled: terminal)
    }

    func notice(_ notice: RunNotice) {
        let line: String
        switch notice {
        case .sequentialBaselineStarted(let tasks):
            line = "running \(tasks) tasks sequentially first…"
        case .tornJournalRecordCut(let path, let bytes):
            line = "fanout: \(path): cut off a torn last record (\(bytes) bytes); that task runs again"
        case .resuming(let path, let recorded, let tasks, let rerun):
            line =
                "fanout: resuming \(path): \(recorded) of \(tasks) tasks are recorded"
                + (rerun > 0 ? ", \(rerun) failed ones run again" : "")
        }
        FileHandleOutput.standardError.write(line + "\n")
    }

    func taskFinished(_ result: TaskResult<W.J.Output>, moreBuffered: Bool) {
        self.printer.print(result)
        self.progress.advance()
        // Stream: flush whenever the next result is not already here.
        if !moreBuffered { self.printer.finish() }
    }

    func uploadProgress(host: String, sent: Int64, total: Int64) {
        self.uploads.update(host: host, sent: sent, total: total)
    }

    /// Clears the upload line and the progress bar and flushes the results, before the summary.
    func finish() {
        self.uploads.finish()
        self.progress.finish()
        self.printer.finish()
    }
}
