import FanoutCoordinator
import FanoutJobs
import FanoutProtocol

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Prints each finished `exec` job (its output whole, never interleaved with another's), writes `--results` and
/// returned files, logs it to `--joblog`, and sums up the failures at the end.
struct ExecReporter: Sendable {
    /// One job's verdict, for the tally.
    struct Verdict {
        var sequence: Int
        var failure: String?
    }

    /// What the run did so far.
    struct Tally: Sendable {
        var finished = 0
        var failed = 0
        /// The first failures, for the summary.
        var failures: [String] = []
        var error: (any Error)?

        mutating func record(_ verdict: Verdict) {
            self.finished += 1
            guard let failure = verdict.failure else { return }
            self.failed += 1
            if self.failures.count < ExecReporter.listedFailures {
                self.failures.append("job \(verdict.sequence): \(failure)")
            }
        }
    }

    /// How many failed jobs the summary names.
    static let listedFailures = 20

    let plan: ExecJobPlan
    let resultsDirectory: String?
    let jobLog: JobLog?

    /// Reports one finished job.
    /// - Returns: Whether it succeeded, and if not, a short reason.
    func report(_ result: TaskResult<ExecOutput>, sequence: Int, sentBytes: Int) -> Verdict {
        switch result.outcome {
        case .success(let sent):
            let worker = Self.describeWorker(result)
            var problems: [String] = []
            // Every number a worker sends is checked before it is used: a compromised host can send any value.
            let rangeProblems = sent.rangeProblems(maximumBytes: self.plan.maximumPayloadBytes)
            let output = rangeProblems.isEmpty ? sent : sent.clamped
            if !output.standardOutput.isEmpty { FileHandleOutput.standardOutput.write(bytes: output.standardOutput) }
            if !output.standardError.isEmpty {
                FileHandleOutput.standardOutput.flush()
                FileHandleOutput.standardError.write(bytes: output.standardError)
            }
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
                let written = writer.write(output.returned, into: ".")
                receivedBytes = written.writtenBytes
                if written.refused {
                    problems += written.problems.map { "\($0) (\(worker)): nothing written" }
                } else {
                    problems += written.problems
                }
            }
            self.writeResults(
                sequence: sequence,
                standardOutput: output.standardOutput,
                standardError: output.standardError,
                exitStatus: output.exitStatus,
                signal: output.signal
            )
            self.jobLog?.record(
                JobLog.Entry(
                    sequence: sequence,
                    host: result.host,
                    startSeconds: Double(output.startMilliseconds) / 1000,
                    runtimeSeconds: Double(output.runtimeNanoseconds) / 1e9,
                    sentBytes: sentBytes,
                    receivedBytes: receivedBytes,
                    exitStatus: problems.isEmpty || output.exitStatus != 0 ? output.exitStatus : 255,
                    signal: output.signal,
                    command: self.plan.displayLine(of: sequence, slot: output.slot)
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
            for problem in problems {
                FileHandleOutput.standardError.write("fanout exec: job \(sequence): \(problem)\n")
            }
            guard !reasons.isEmpty else { return Verdict(sequence: sequence, failure: nil) }
            let attempts = result.attempts > 1 ? ", after \(result.attempts) attempts" : ""
            let host = result.host.isEmpty ? "" : " on \(UntrustedText.forTerminal(result.host))"
            return Verdict(
                sequence: sequence,
                failure:
                    "\(reasons.joined(separator: "; "))\(host)\(attempts): \(self.plan.displayLine(of: sequence, slot: output.slot))"
            )
        case .failure(let failure):
            let line = self.plan.displayLine(of: sequence, slot: nil)
            let message = UntrustedText.forTerminal(failure.message)
            FileHandleOutput.standardOutput.flush()
            FileHandleOutput.standardError.write("fanout exec: job \(sequence) (\(line)) failed: \(message)\n")
            self.writeResults(
                sequence: sequence,
                standardOutput: [],
                standardError: Array("\(failure.message)\n".utf8),
                exitStatus: 255,
                signal: 0
            )
            self.jobLog?.record(
                JobLog.Entry(
                    sequence: sequence,
                    host: result.host,
                    startSeconds: Date().timeIntervalSince1970,
                    runtimeSeconds: 0,
                    sentBytes: sentBytes,
                    receivedBytes: 0,
                    exitStatus: 255,
                    signal: 0,
                    command: line
                )
            )
            return Verdict(sequence: sequence, failure: "\(message): \(line)")
        }
    }

    private func writeResults(
        sequence: Int,
        standardOutput: [UInt8],
        standardError: [UInt8],
        exitStatus: Int32,
        signal: Int32
    ) {
        guard let directory = self.resultsDirectory else { return }
        let base = Array(String(sequence).utf8)
        let files = [
            ("stdout", standardOutput), ("stderr", standardError), ("exitval", Array("\(exitStatus)\n".utf8)),
            ("signal", Array("\(signal)\n".utf8)),
        ].map { ReturnedFile(path: base + [UInt8(ascii: "/")] + Array($0.0.utf8), contents: $0.1, error: nil) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            FileHandleOutput.standardError.write("fanout exec: --results: cannot create \(directory): \(error)\n")
            return
        }
        // Below the directory the user named, nothing is followed: a link planted there cannot redirect a write.
        let outcome = ReturnedFileWriter(expected: files.map(\.path), maximumBytes: Int.max).write(
            files,
            into: directory
        )
        for problem in outcome.problems {
            FileHandleOutput.standardError.write("fanout exec: --results: \(problem)\n")
        }
    }

    /// Prints the failures, if any, on standard error.
    func summarize(_ tally: Tally, planned: Int) {
        FileHandleOutput.standardOutput.flush()
        guard tally.failed > 0 else { return }
        var text = "fanout exec: \(tally.failed) of \(planned) jobs failed:\n"
        for failure in tally.failures {
            text += "  \(failure)\n"
        }
        if tally.failed > tally.failures.count {
            text += "  … and \(tally.failed - tally.failures.count) more\n"
        }
        FileHandleOutput.standardError.write(text)
    }

    /// "worker W on host H", for messages about what a worker sent.
    static func describeWorker<Output>(_ result: TaskResult<Output>) -> String {
        let worker = result.workerID.isEmpty ? "the worker" : "worker \(UntrustedText.forTerminal(result.workerID))"
        return result.host.isEmpty ? worker : "\(worker) on host \(UntrustedText.forTerminal(result.host))"
    }

    /// A readable message for an error that ended the run.
    static func describe(_ error: any Error) -> String {
        if let clusterError = error as? ClusterError { return clusterError.message }
        return "\(error)"
    }
}
