import FanoutCoordinator
import FanoutJobs
import FanoutProtocol

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Records each finished exec job: checks what its worker sent, writes its returned files (only at the `--return`
/// paths, never through a link) and its `--results` files, logs it to `--joblog`, and says in an
/// ``ExecJobReport`` what to show and whether it failed. It prints nothing.
struct ExecResultRecorder: Sendable {
    /// Where a result came from, for messages and the job log: all of it named by the worker, so untrusted.
    struct Origin: Sendable {
        var workerID: String
        var host: String
        /// How many times the task was started.
        var attempts: Int
    }

    let plan: ExecJobPlan
    let resultsDirectory: String?
    let jobLog: JobLog?
    /// Where returned files are written: relative paths of `--return` land below it.
    let directory: String

    /// Records one finished job.
    /// - Parameters:
    ///   - result: The task's result.
    ///   - sequence: The job's sequence number.
    ///   - sentBytes: The file bytes its input carried.
    /// - Returns: What to show and whether it failed.
    func record(_ result: TaskResult<ExecOutput>, sequence: Int, sentBytes: Int) -> ExecJobReport {
        let origin = Origin(workerID: result.workerID, host: result.host, attempts: result.attempts)
        return self.record(result.outcome, from: origin, sequence: sequence, sentBytes: sentBytes)
    }

    /// Records one finished job.
    /// - Parameters:
    ///   - outcome: What the worker sent, or why the task failed.
    ///   - origin: The worker and host.
    ///   - sequence: The job's sequence number.
    ///   - sentBytes: The file bytes its input carried.
    /// - Returns: What to show and whether it failed.
    func record(
        _ outcome: Result<ExecOutput, TaskFailure>,
        from origin: Origin,
        sequence: Int,
        sentBytes: Int
    ) -> ExecJobReport {
        switch outcome {
        case .success(let sent):
            return self.recordOutput(sent, from: origin, sequence: sequence, sentBytes: sentBytes)
        case .failure(let failure):
            let line = self.plan.displayLine(of: sequence, slot: nil)
            let message = UntrustedText.forTerminal(failure.message)
            let resultsProblems = self.writeResults(
                sequence: sequence,
                standardOutput: [],
                standardError: Array("\(failure.message)\n".utf8),
                exitStatus: 255,
                signal: 0
            )
            self.jobLog?.record(
                JobLogEntry(
                    sequence: sequence,
                    host: origin.host,
                    startSeconds: Date().timeIntervalSince1970,
                    runtimeSeconds: 0,
                    sentBytes: sentBytes,
                    receivedBytes: 0,
                    exitStatus: 255,
                    signal: 0,
                    command: line
                )
            )
            return ExecJobReport(
                sequence: sequence,
                commandLine: line,
                taskFailure: message,
                resultsProblems: resultsProblems,
                failure: "\(message): \(line)"
            )
        }
    }

    private func recordOutput(_ sent: ExecOutput, from origin: Origin, sequence: Int, sentBytes: Int) -> ExecJobReport {
        let worker = Self.describeWorker(origin)
        var problems: [String] = []
        // Every number a worker sends is checked before it is used: a compromised host can send any value.
        let rangeProblems = sent.rangeProblems(maximumBytes: self.plan.maximumPayloadBytes)
        let output = rangeProblems.isEmpty ? sent : sent.clamped
        var receivedBytes = 0
        if !rangeProblems.isEmpty {
            problems.append(
                "\(worker) sent an answer out of range (\(rangeProblems.joined(separator: "; "))): "
                    + "no returned file written"
            )
        } else if !output.returned.isEmpty || !self.plan.returnTemplates.isEmpty {
            let writer = ReturnedFileWriter(
                expected: self.plan.returnPaths(of: sequence),
                maximumBytes: self.plan.maximumPayloadBytes
            )
            let written = writer.write(output.returned, into: self.directory)
            receivedBytes = written.writtenBytes
            if written.refused {
                problems += written.problems.map { "\($0) (\(worker)): nothing written" }
            } else {
                problems += written.problems
            }
        }
        let resultsProblems = self.writeResults(
            sequence: sequence,
            standardOutput: output.standardOutput,
            standardError: output.standardError,
            exitStatus: output.exitStatus,
            signal: output.signal
        )
        let line = self.plan.displayLine(of: sequence, slot: output.slot)
        self.jobLog?.record(
            JobLogEntry(
                sequence: sequence,
                host: origin.host,
                startSeconds: Double(output.startMilliseconds) / 1000,
                runtimeSeconds: Double(output.runtimeNanoseconds) / 1e9,
                sentBytes: sentBytes,
                receivedBytes: receivedBytes,
                exitStatus: problems.isEmpty || output.exitStatus != 0 ? output.exitStatus : 255,
                signal: output.signal,
                command: line
            )
        )
        if let stagingError = output.stagingError { problems.insert(stagingError, at: 0) }
        problems = problems.map { UntrustedText.forTerminal($0) }
        var reasons: [String] = []
        if output.timedOut {
            reasons.append("timed out")
        } else if output.signal != 0 {
            reasons.append("killed by signal \(output.signal)")
        } else if output.exitStatus != 0 {
            reasons.append("exit status \(output.exitStatus)")
        }
        reasons += problems
        var report = ExecJobReport(
            sequence: sequence,
            commandLine: line,
            standardOutput: output.standardOutput,
            standardError: output.standardError,
            resultsProblems: resultsProblems,
            problems: problems
        )
        if !reasons.isEmpty {
            let attempts = origin.attempts > 1 ? ", after \(origin.attempts) attempts" : ""
            let host = origin.host.isEmpty ? "" : " on \(UntrustedText.forTerminal(origin.host))"
            report.failure = "\(reasons.joined(separator: "; "))\(host)\(attempts): \(line)"
        }
        return report
    }

    /// Writes `--results` DIR/SEQ/{stdout,stderr,exitval,signal}.
    /// - Returns: What could not be written, each without a prefix.
    private func writeResults(
        sequence: Int,
        standardOutput: [UInt8],
        standardError: [UInt8],
        exitStatus: Int32,
        signal: Int32
    ) -> [String] {
        guard let directory = self.resultsDirectory else { return [] }
        let base = Array(String(sequence).utf8)
        let files = [
            ("stdout", standardOutput), ("stderr", standardError), ("exitval", Array("\(exitStatus)\n".utf8)),
            ("signal", Array("\(signal)\n".utf8)),
        ].map { ReturnedFile(path: base + [UInt8(ascii: "/")] + Array($0.0.utf8), contents: $0.1, error: nil) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return ["cannot create \(directory): \(error)"]
        }
        // Below the directory the user named, nothing is followed: a link planted there cannot redirect a write.
        let outcome = ReturnedFileWriter(expected: files.map(\.path), maximumBytes: Int.max).write(
            files,
            into: directory
        )
        return outcome.problems
    }

    /// "worker W on host H", for messages about what a worker sent.
    static func describeWorker(_ origin: Origin) -> String {
        let worker = origin.workerID.isEmpty ? "the worker" : "worker \(UntrustedText.forTerminal(origin.workerID))"
        return origin.host.isEmpty ? worker : "\(worker) on host \(UntrustedText.forTerminal(origin.host))"
    }
}
