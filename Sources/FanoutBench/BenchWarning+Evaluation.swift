extension BenchWarning {
    /// The warnings a report's reader needs, from its samples and from the machine's readings.
    /// - Parameters:
    ///   - report: The report (its modes' samples and repeats are read).
    ///   - readings: Load averages, the bench's CPU use, /proc/stat and governor texts; what is missing is not
    ///     warned about.
    ///   - thresholds: The limits.
    /// - Returns: At most one warning per code, in a fixed order: few runs, high variation, outliers, background
    ///   load, CPU steal, frequency governor.
    public static func warnings(
        for report: BenchReport,
        readings: MachineReadings,
        thresholds: WarningThresholds = .standard
    ) -> [BenchWarning] {
        [
            Self.fewRuns(report, thresholds),
            Self.highVariation(report.modes, thresholds),
            Self.outliers(report.modes),
            Self.backgroundLoad(readings, thresholds),
            Self.cpuSteal(readings, thresholds),
            Self.frequencyGovernor(readings.scalingGovernors),
        ].compactMap { $0 }
    }

    static func fewRuns(_ report: BenchReport, _ thresholds: WarningThresholds) -> BenchWarning? {
        let runs = report.modes.map(\.wall.samples.count).min() ?? report.repeats
        let needed = BenchStatistics.minimumRuns(forConfidence: thresholds.confidence)
        guard runs < needed else { return nil }
        let percent = NumberFormatting.fixed(thresholds.confidence * 100, 0)
        return BenchWarning(
            code: .fewRuns,
            message: "only \(runs) measured run(s) per mode: a \(percent) % confidence interval of a median needs at "
                + "least \(needed) (with fewer, even [min–max] holds the median less often than that); "
                + "use --repeat \(needed) or more"
        )
    }

    static func highVariation(_ modes: [ModeResult], _ thresholds: WarningThresholds) -> BenchWarning? {
        let noisy = modes.compactMap { mode -> String? in
            guard let variation = BenchStatistics.coefficientOfVariation(mode.wall.samples),
                variation > thresholds.coefficientOfVariation
            else { return nil }
            return "`\(mode.mode)` \(NumberFormatting.fixed(variation * 100, 1)) %"
        }
        guard !noisy.isEmpty else { return nil }
        return BenchWarning(
            code: .highVariation,
            message:
                "wall times vary by more than \(NumberFormatting.fixed(thresholds.coefficientOfVariation * 100, 0)) "
                + "% of their mean (standard deviation ÷ mean: \(noisy.joined(separator: ", "))): the machine was "
                + "not quiet or the runs are too short; rerun with a larger --repeat on an idle machine"
        )
    }

    static func outliers(_ modes: [ModeResult]) -> BenchWarning? {
        var flagged: [String] = []
        var total = 0
        for mode in modes {
            let indices = mode.wall.outlierIndices()
            guard !indices.isEmpty else { continue }
            total += indices.count
            let runs = indices.map { "run \($0 + 1) (\(NumberFormatting.duration(mode.wall.samples[$0])))" }
            flagged.append(
                "`\(mode.mode)` \(runs.joined(separator: ", ")) against a median of "
                    + NumberFormatting.duration(mode.wall.median)
            )
        }
        guard total > 0 else { return nil }
        return BenchWarning(
            code: .outliers,
            message:
                "\(total) outlying run(s), more than \(NumberFormatting.fixed(OutlierDetection.hyperfineThreshold, 0)) "
                + "robust standard deviations (median/MAD) from their mode's median: "
                + "\(flagged.joined(separator: "; ")). They are kept in every figure; something else probably "
                + "ran at the time"
        )
    }

    static func backgroundLoad(_ readings: MachineReadings, _ thresholds: WarningThresholds) -> BenchWarning? {
        guard let before = readings.loadBefore.first else { return nil }
        var others = before
        var during: String?
        if let after = readings.loadAfter.first, let seconds = readings.secondsBetweenReadings,
            let cpu = readings.benchCPUSeconds, seconds >= thresholds.minimumLoadSpanSeconds,
            let estimate = BackgroundLoad.otherRunnable(
                loadBefore: before,
                loadAfter: after,
                seconds: seconds,
                benchCPUSeconds: cpu
            )
        {
            others = max(others, estimate)
            during =
                "about \(NumberFormatting.fixed(estimate, 2)) runnable process(es) beside the bench's own during "
                + "the runs (1-minute load average \(NumberFormatting.fixed(before, 2)) → "
                + "\(NumberFormatting.fixed(after, 2)) over \(NumberFormatting.duration(seconds)), the bench using "
                + "\(NumberFormatting.fixed(cpu / seconds, 2)) cores)"
        }
        guard others > thresholds.backgroundLoad else { return nil }
        var parts: [String] = []
        if before > thresholds.backgroundLoad {
            parts.append("the 1-minute load average was \(NumberFormatting.fixed(before, 2)) before the first run")
        }
        if let during { parts.append(during) }
        return BenchWarning(
            code: .backgroundLoad,
            message: "other processes used the CPUs: \(parts.joined(separator: "; ")); their share is in every "
                + "figure, the parallel modes' most"
        )
    }

    static func cpuSteal(_ readings: MachineReadings, _ thresholds: WarningThresholds) -> BenchWarning? {
        guard let beforeText = readings.procStatBefore, let afterText = readings.procStatAfter,
            let before = CPUTimes(procStat: beforeText), let after = CPUTimes(procStat: afterText),
            let steal = CPUTimes.stealFraction(from: before, to: after), steal > thresholds.stealFraction
        else { return nil }
        return BenchWarning(
            code: .cpuSteal,
            message: "\(NumberFormatting.fixed(steal * 100, 1)) % of the CPU time during the runs was stolen by the "
                + "hypervisor for other virtual machines (/proc/stat): this VM's CPUs were not all its own"
        )
    }

    static func frequencyGovernor(_ texts: [String]) -> BenchWarning? {
        let governors = texts.map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty }
        var counts: [String: Int] = [:]
        for governor in governors where governor != "performance" { counts[governor, default: 0] += 1 }
        guard !counts.isEmpty else { return nil }
        let named = counts.keys.sorted().map { "`\($0)` on \(counts[$0] ?? 0) of \(governors.count) CPU(s)" }
        return BenchWarning(
            code: .frequencyGovernor,
            message: "CPU frequency governor \(named.joined(separator: ", ")), not `performance`: the clock can "
                + "change between and during runs"
        )
    }
}
