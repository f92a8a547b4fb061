import FanoutBench

extension ModeResult {
    /// A cluster mode's result from its measured runs: the median wall time and phases, and each host's median
    /// share of the tasks and busy time.
    /// - Parameters:
    ///   - mode: The mode's name.
    ///   - runs: The measured runs.
    ///   - speeds: Per-core speed per host, from the calibration run.
    ///   - sequentialSeconds: The sequential median, for speedup and efficiency.
    ///   - sequentialSamples: The sequential runs, for the speedup's and efficiency's confidence intervals.
    init(
        mode: String,
        runs: [ClusterRunMeasurement],
        speeds: [String: Double],
        sequentialSeconds: Double?,
        sequentialSamples: [Double] = []
    ) {
        let phases = runs.map {
            PhaseBreakdown.split(
                wall: $0.wall,
                lastResult: $0.lastResult,
                launch: $0.launch,
                busy: $0.busy.values.reduce(0, +),
                slots: $0.totalSlots
            )
        }
        var hostNames: [String] = []
        for run in runs {
            for host in run.slots.keys.sorted() where !hostNames.contains(host) { hostNames.append(host) }
        }
        let totalTasks = Double(runs.first.map { $0.tasks.values.reduce(0, +) } ?? 0)
        let hosts = hostNames.map { host in
            let tasks = BenchStatistics.median(runs.map { Double($0.tasks[host] ?? 0) }) ?? 0
            return HostShare(
                host: host,
                slots: runs.last?.slots[host] ?? 0,
                tasks: Int(tasks.rounded()),
                share: totalTasks > 0 ? tasks / totalTasks : 0,
                busySeconds: BenchStatistics.median(runs.map { $0.busy[host] ?? 0 }) ?? 0,
                perCoreSpeed: speeds[host]
            )
        }
        self.init(
            mode: mode,
            coresUsed: runs.map(\.totalSlots).max() ?? 0,
            workers: runs.last?.workers ?? 0,
            wall: TimingSummary(samples: runs.map(\.wall)) ?? TimingSummary(samples: [0])!,
            sequentialSeconds: sequentialSeconds,
            sequentialSamples: sequentialSamples,
            phases: PhaseBreakdown.median(of: phases),
            hosts: hosts
        )
    }
}
