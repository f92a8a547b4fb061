/// A bench report as Markdown: provenance, the modes, where the time went, per-host figures, the lessons table,
/// the sweep and the overhead figures. The same text is what `fanout bench` prints.
public struct MarkdownReport: Sendable {
    /// The report.
    public var report: BenchReport
    /// The sweep chart's file name, linked when there is a sweep.
    public var plotFileName: String?

    /// Creates a renderer.
    public init(report: BenchReport, plotFileName: String? = nil) {
        self.report = report
        self.plotFileName = plotFileName
    }

    /// The Markdown document.
    public func render() -> String {
        let report = self.report
        var lines: [String] = []
        lines.append("# fanout bench: \(report.workload.job), \(report.workload.tasks) tasks")
        lines.append("")
        lines.append(
            "Kernel `\(report.workload.job) \(report.workload.parameters)`, the same total work in every mode; "
                + "\(report.warmups) warm-up run(s), then \(report.repeats) measured run(s) per mode: "
                + "median wall time, its 95 % confidence interval, [min–max] and outliers."
        )
        lines.append("")
        if !report.modes.isEmpty {
            lines.append(contentsOf: self.modesTable())
        }
        for skipped in report.skipped {
            lines.append("- `\(skipped.mode)` skipped: \(skipped.reason)")
        }
        if !report.skipped.isEmpty { lines.append("") }
        if !report.warnings.isEmpty {
            lines.append(contentsOf: self.warningsSection())
        }
        let withPhases = report.modes.filter { $0.phases != nil }
        if !withPhases.isEmpty {
            lines.append("## Where the time went (medians)")
            lines.append("")
            lines.append("| mode | wall | launch + deploy | compute | scheduling + transfer | shutdown |")
            lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
            for mode in withPhases {
                guard let phases = mode.phases else { continue }
                lines.append(
                    "| \(mode.mode) | \(Self.seconds(mode.wall.median)) | \(Self.seconds(phases.launch)) | "
                        + "\(Self.seconds(phases.compute)) | \(Self.seconds(phases.schedulingAndTransfer)) | "
                        + "\(Self.seconds(phases.shutdown)) |"
                )
            }
            lines.append("")
            lines.append(
                "Compute is the jobs' busy time ÷ the slots that ran them; scheduling + transfer is the rest of the "
                    + "time up to the last result after every worker joined (handing out tasks, moving data, slots idle at "
                    + "the end); shutdown is stopping the workers."
            )
            lines.append("")
            lines.append("## Per host")
            lines.append("")
            lines.append("| mode | host | slots | tasks | share | busy | per-core speed |")
            lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
            for mode in withPhases {
                for host in mode.hosts {
                    lines.append(
                        "| \(mode.mode) | \(host.host) | \(host.slots) | \(host.tasks) | "
                            + "\(NumberFormatting.fixed(host.share * 100, 1)) % | \(Self.seconds(host.busySeconds)) | "
                            + "\(host.perCoreSpeed.map { NumberFormatting.fixed($0, 2) + "×" } ?? "–") |"
                    )
                }
            }
            lines.append("")
            lines.append(
                "Per-core speed: one core of the host against one core of this machine, from a calibration run "
                    + "of the same kernel (the same task on every slot) before the measured runs."
            )
            lines.append("")
        }
        if !report.lessons.isEmpty {
            lines.append(contentsOf: self.lessonsTable())
        }
        if !report.sweep.isEmpty {
            lines.append(contentsOf: self.sweepTable())
        }
        if !report.overhead.isEmpty {
            lines.append(contentsOf: self.overheadTable())
        }
        lines.append(contentsOf: self.provenanceSection())
        return lines.joined(separator: "\n") + "\n"
    }

    private func modesTable() -> [String] {
        var lines = [
            "| mode | workers | cores used | wall (median) | 95 % CI | [min–max] | outliers | speedup | 95 % CI | "
                + "efficiency | 95 % CI | Karp–Flatt e |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for mode in self.report.modes {
            let outliers = mode.wall.outliers.map(String.init) ?? "–"
            lines.append(
                "| \(mode.mode) | \(mode.workers) | \(mode.coresUsed) | \(Self.seconds(mode.wall.median)) | "
                    + "\(Self.secondsInterval(mode.wall.ci95)) | \(Self.range(mode.wall)) | \(outliers) | "
                    + "\(Self.times(mode.speedup)) | \(Self.interval(mode.speedupCI95, 2)) | "
                    + "\(NumberFormatting.fixed(mode.efficiency, 3)) | \(Self.interval(mode.efficiencyCI95, 3)) | "
                    + "\(NumberFormatting.fixed(mode.karpFlatt, 3)) |"
            )
        }
        lines.append("")
        lines.append(
            "Speedup = sequential median ÷ mode median (wall time, starting the workers included); efficiency = "
                + "speedup ÷ cores used; Karp–Flatt e = (1/S − 1/p) ÷ (1 − 1/p), the serial fraction that "
                + "would explain the speedup S on p cores. The 95 % confidence intervals are percentile bootstraps "
                + "(\(Bootstrap.defaultResamples) resamples, fixed seed) of the median and of the ratio of the "
                + "medians; outliers are runs more than \(NumberFormatting.fixed(OutlierDetection.hyperfineThreshold, 0)) "
                + "robust standard deviations (1.4826 · MAD) from the median, flagged but kept in every figure."
        )
        lines.append("")
        return lines
    }

    private func warningsSection() -> [String] {
        var lines = ["## Warnings", ""]
        for warning in self.report.warnings {
            lines.append("- **\(warning.code)**: \(warning.message)")
        }
        lines.append("")
        return lines
    }

    private func lessonsTable() -> [String] {
        var lines = [
            "## Concurrency is not parallelism: right tool / wrong tool",
            "",
            "| kernel | how | in flight | cores | wall (median) | [min–max] | speedup | verdict | why |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for row in self.report.lessons {
            lines.append(
                "| \(row.kernel) | \(row.tool) | \(row.inFlight) | \(row.cores) | \(Self.seconds(row.wall.median)) | "
                    + "\(Self.range(row.wall)) | \(Self.times(row.speedup)) | **\(row.verdict)** | \(row.note) |"
            )
        }
        lines.append("")
        return lines
    }

    private func sweepTable() -> [String] {
        var lines = ["## Scaling sweep", ""]
        if let plotFileName {
            lines.append("![speedup against cores](\(plotFileName))")
            lines.append("")
        }
        lines.append("| series | cores | step | wall (median) | [min–max] | speedup | efficiency |")
        lines.append("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
        for point in self.report.sweep {
            let efficiency = point.speedup.flatMap { BenchStatistics.efficiency(speedup: $0, cores: point.cores) }
            lines.append(
                "| \(point.series) | \(point.cores) | \(point.label) | \(Self.seconds(point.wall.median)) | "
                    + "\(Self.range(point.wall)) | \(Self.times(point.speedup)) | "
                    + "\(NumberFormatting.fixed(efficiency, 3)) |"
            )
        }
        lines.append("")
        return lines
    }

    private func overheadTable() -> [String] {
        var lines = [
            "## Overhead",
            "",
            "| setting | cores | no-op tasks | no-op tasks/s (median) | [min–max] | latency p50 | p90 | p99 | p99.9 | "
                + "max | efficiency, 1 ms tasks | first result cold | first result warm |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in self.report.overhead {
            let rate = row.noopTasksPerSecond
            let latency = row.latency
            lines.append(
                "| \(row.setting) | \(row.cores) | \(row.noopTasks) | \(NumberFormatting.fixed(rate.median, 0)) | "
                    + "[\(NumberFormatting.fixed(rate.minimum, 0))–\(NumberFormatting.fixed(rate.maximum, 0))] | "
                    + "\(Self.seconds(latency?.p50)) | \(Self.seconds(latency?.p90)) | \(Self.seconds(latency?.p99)) | "
                    + "\(Self.seconds(latency?.p999)) | \(Self.seconds(latency?.maximum)) | "
                    + "\(NumberFormatting.fixed(row.efficiencyOneMillisecond, 3)) | "
                    + "\(Self.seconds(row.firstResultCold)) | \(Self.seconds(row.firstResultWarm)) |"
            )
        }
        lines.append("")
        lines.append(
            "No-op tasks/s: tasks ÷ time from every worker joined to the last result. Latency: one task at a time "
                + "on a running cluster, submit to result (HdrHistogram). Cold: cluster start to first result."
        )
        lines.append("")
        return lines
    }

    private func provenanceSection() -> [String] {
        let provenance = self.report.provenance
        var lines = ["## Provenance", ""]
        lines.append("- date: \(provenance.date)")
        lines.append("- command: `\(provenance.commandLine.joined(separator: " "))`")
        lines.append(
            "- build: \(provenance.optimized ? "release (optimized)" : "debug (not optimized: figures not representative)")"
        )
        for host in provenance.hosts {
            lines.append(
                "- host \(host.name): \(host.cpuModel ?? "CPU model unknown"), \(host.cores.map(String.init) ?? "?") cores"
            )
        }
        lines.append(
            "- load average before: \(provenance.loadBefore.map { NumberFormatting.fixed($0, 2) }.joined(separator: ", "))"
        )
        lines.append(
            "- load average after: \(provenance.loadAfter.map { NumberFormatting.fixed($0, 2) }.joined(separator: ", "))"
        )
        lines.append("- worker binary SHA-256: \(provenance.workerBinarySHA256 ?? "–")")
        if let remote = provenance.remoteWorkerBinarySHA256 {
            lines.append("- remote worker binary SHA-256: \(remote)")
        }
        lines.append("- cluster file: \(provenance.configPath ?? "none (local cores, defaults)")")
        lines.append("- cluster file SHA-256: \(provenance.configSHA256 ?? "–")")
        lines.append("")
        return lines
    }

    static func seconds(_ value: Double?) -> String { value.map(NumberFormatting.duration) ?? "–" }

    static func times(_ value: Double?) -> String { value.map { NumberFormatting.fixed($0, 2) + "×" } ?? "–" }

    static func secondsInterval(_ interval: ConfidenceInterval?) -> String {
        guard let interval else { return "–" }
        return "[\(NumberFormatting.duration(interval.low))–\(NumberFormatting.duration(interval.high))]"
    }

    static func interval(_ interval: ConfidenceInterval?, _ decimals: Int) -> String {
        guard let interval else { return "–" }
        return "[\(NumberFormatting.fixed(interval.low, decimals))–\(NumberFormatting.fixed(interval.high, decimals))]"
    }

    static func range(_ summary: TimingSummary) -> String {
        "[\(NumberFormatting.duration(summary.minimum))–\(NumberFormatting.duration(summary.maximum))]"
    }
}
