import FanoutCoordinator
import FanoutProtocol
import FanoutSessions

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The end-of-run report: tasks, time, throughput, per-worker and per-host shares, the job's own summary, and with
/// `--speedup` the sequential time, the speedup and the efficiency.
struct SummaryPrinter {
    let jobName: String
    let taskCount: Int
    let toStandardError: Bool

    func print<Output>(outcome: ClusterRunOutcome<Output>, baseline: SequentialBaseline<Output>?) throws {
        var lines: [String] = []
        let wall = outcome.wallTime.seconds
        let finished = outcome.completed + outcome.failed
        lines.append("")
        lines.append(
            "\(self.jobName): \(finished) of \(self.taskCount) tasks done, \(outcome.completed) ok, "
                + "\(outcome.failed) failed, in \(String(decimals: wall, 3)) s "
                + "(\(String(decimals: Double(finished) / max(wall, 1e-9), 0)) tasks/s)"
        )
        if let first = outcome.firstResult {
            lines.append(
                "first result after \(String(decimals: (first - outcome.started).seconds, 3)) s (includes starting the workers)"
            )
        }
        if let compute = outcome.computeTime.map(\.seconds) {
            lines.append(
                "after every worker was ready: \(String(decimals: compute, 3)) s "
                    + "(\(String(decimals: Double(finished) / max(compute, 1e-9), 0)) tasks/s), "
                    + "start-up took \(String(decimals: wall - compute, 3)) s"
            )
        }
        lines.append("coordinator peak memory (RSS): \(String(decimals: Self.peakResidentMebibytes(), 1)) MiB")
        if let journal = outcome.journalPath {
            lines.append(
                "journal \(journal): \(outcome.replayed) results replayed from earlier runs, "
                    + "\(finished - outcome.replayed) recorded now"
            )
        }
        if outcome.speculativeCopies > 0 {
            lines.append(
                "stragglers: \(outcome.speculativeCopies) tasks copied to idle workers near the end, "
                    + "\(outcome.speculativeWins) finished first on the copy (scheduling.speculation)"
            )
        }
        if outcome.movedTasks > 0 {
            lines.append(
                "end of run: \(outcome.movedTasks) queued tasks moved to idle workers (scheduling.speculation)"
            )
        }
        if outcome.retried > 0 {
            lines.append("tasks reassigned after a worker was lost: \(outcome.retried)")
        }
        let workers = outcome.workers
        if !workers.isEmpty {
            let totalDone = max(1, workers.reduce(0) { $0 + $1.completed })
            lines.append("")
            lines.append(Self.row(["worker", "host", "slots", "tasks", "share", "busy s", "status"]))
            for worker in workers {
                lines.append(
                    Self.row([
                        UntrustedText.forTerminal(worker.id, limit: 64),
                        UntrustedText.forTerminal(worker.host, limit: 255), "\(worker.slots)", "\(worker.completed)",
                        String(decimals: 100 * Double(worker.completed) / Double(totalDone), 1) + "%",
                        String(decimals: Double(worker.busyNanoseconds) / 1e9, 3),
                        worker.lostReason.map { "lost: \(UntrustedText.forTerminal($0))" } ?? "ok",
                    ])
                )
            }
            let hosts = Dictionary(grouping: workers, by: \.host)
            if hosts.count > 1 {
                lines.append("")
                lines.append(Self.row(["host", "workers", "tasks", "share"]))
                for (host, members) in hosts.sorted(by: { $0.key < $1.key }) {
                    let done = members.reduce(0) { $0 + $1.completed }
                    lines.append(
                        Self.row([
                            UntrustedText.forTerminal(host, limit: 255), "\(members.count)", "\(done)",
                            String(decimals: 100 * Double(done) / Double(totalDone), 1) + "%",
                        ])
                    )
                }
            }
        }
        if !outcome.hosts.isEmpty {
            lines.append("")
            lines.append("remote hosts:")
            lines.append(HostTable.render(outcome.hosts))
        }
        if !outcome.failures.isEmpty {
            lines.append("")
            lines.append("failed tasks (first \(outcome.failures.count)):")
            for failure in outcome.failures {
                lines.append("  task \(failure.index): \(UntrustedText.forTerminal(failure.message))")
            }
        }
        if let error = outcome.error {
            lines.append("")
            // Reasons may quote workers and hosts: each line is escaped, the message keeps its own line breaks.
            let message = "\(error)".split(separator: "\n", omittingEmptySubsequences: false)
                .map { UntrustedText.forTerminal($0) }.joined(separator: "\n")
            lines.append("run stopped: \(message)")
        }
        lines.append("")
        lines.append(contentsOf: try outcome.accumulator.summary())
        if let baseline {
            let slots = workers.filter { $0.completed > 0 }.reduce(0) { $0 + $1.slots }
            let sequential = baseline.wallTime.seconds
            let speedup = sequential / max(wall, 1e-9)
            var mismatches = 0
            for (index, output) in outcome.outputs where baseline.outputs.indices.contains(index) {
                if baseline.outputs[index] != output { mismatches += 1 }
            }
            let identical = mismatches == 0 && outcome.outputs.count == baseline.outputs.count - baseline.failures
            lines.append("")
            lines.append("sequential (1 thread, in this process): \(String(decimals: sequential, 3)) s")
            lines.append(
                "parallel (\(workers.count) workers, \(slots) slots, including start-up): \(String(decimals: wall, 3)) s"
            )
            lines.append(
                "speedup: \(String(decimals: speedup, 2))x   efficiency: "
                    + "\(String(decimals: speedup / Double(max(slots, 1)), 2)) (speedup / \(max(slots, 1)) slots)"
            )
            if let compute = outcome.computeTime.map(\.seconds) {
                let computeSpeedup = sequential / max(compute, 1e-9)
                lines.append(
                    "without start-up (\(String(decimals: wall - compute, 3)) s to start the workers): "
                        + "\(String(decimals: compute, 3)) s, speedup \(String(decimals: computeSpeedup, 2))x, "
                        + "efficiency \(String(decimals: computeSpeedup / Double(max(slots, 1)), 2))"
                )
            }
            lines.append("results identical to the sequential run: \(identical ? "yes" : "NO (\(mismatches) differ)")")
        }
        let text = lines.joined(separator: "\n") + "\n"
        if self.toStandardError {
            FileHandleOutput.standardError.write(text)
        } else {
            FileHandleOutput.standardOutput.write(text)
            FileHandleOutput.standardOutput.flush()
        }
    }

    /// This process's peak resident set size so far (`getrusage`), in MiB; workers are separate processes.
    static func peakResidentMebibytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    private static func row(_ fields: [String]) -> String {
        let widths = [12, 18, 6, 8, 8, 10]
        var line = ""
        for (index, field) in fields.enumerated() {
            if index < widths.count {
                line += field + String(repeating: " ", count: max(1, widths[index] - field.count))
            } else {
                line += field
            }
        }
        return line
    }
}
