import FanoutBench
import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Logging

/// Runs one bench over a workload: the modes, then the lessons, sweep and overhead when asked for, and collects
/// the figures into a ``BenchReport``.
struct BenchDriver<W: Workload> {
    let workload: W
    let settings: BenchSettings

    var logger: Logger {
        var logger = Logger(label: "fanout-bench")
        logger.logLevel = .error
        return logger
    }

    /// The remote hosts of the cluster file.
    var hosts: [HostSettings] { self.settings.configuration.hosts }

    /// Prints a progress line on standard error.
    func note(_ text: String) {
        if !self.settings.quiet { FileHandleOutput.standardError.write("bench: \(text)\n") }
    }

    /// Cluster options for `localWorkers` local workers and `hosts`.
    func clusterOptions(localWorkers: Int, hosts: [HostSettings]) -> ClusterOptions {
        var configuration = self.settings.configuration
        configuration.hosts = hosts
        return ClusterOptions(
            configuration: configuration,
            registry: .builtin,
            localWorkers: localWorkers,
            logger: self.logger
        )
    }

    /// Why `remote` and `all` cannot run, or `nil` when they can.
    var remoteSkipReason: String? {
        guard self.hosts.isEmpty else { return nil }
        if let path = self.settings.clusterPath {
            return "the cluster file \(path) lists no hosts"
        }
        return "no --cluster file with hosts was given (the default cluster is this machine's cores only)"
    }

    func run() async throws -> BenchReport {
        let local = ProvenanceCollector.localHost()
        let loadBefore = ProvenanceCollector.loadAverage()
        let needsRemote =
            self.settings.modes.contains(.remote) || self.settings.modes.contains(.all) || self.settings.sweep
            || self.settings.overhead
        let remoteHosts = needsRemote ? await ProvenanceCollector.remoteHosts(self.settings.configuration) : []
        var provenance = Provenance(
            date: ProvenanceCollector.now(),
            commandLine: CommandLine.arguments,
            hosts: [local] + remoteHosts,
            loadBefore: loadBefore,
            workerBinarySHA256: ProvenanceCollector.sha256(ofFile: WorkerExecutable.besideCurrentExecutable().path),
            remoteWorkerBinarySHA256: self.hosts.isEmpty
                ? nil : try? WorkerBinary.locate(configured: self.settings.configuration.ssh.workerBinary).digest,
            configPath: self.settings.clusterPath,
            configSHA256: self.settings.clusterPath.flatMap(ProvenanceCollector.sha256(ofFile:)),
            optimized: Self.optimized
        )
        var report = BenchReport(
            provenance: provenance,
            workload: WorkloadDescription(
                job: W.J.name,
                tasks: self.workload.taskCount,
                parameters: self.workload.parameters
            ),
            warmups: self.settings.warmups,
            repeats: self.settings.repeats
        )

        // The baseline every speedup is over: always measured.
        var planned: [PlannedMode] = [.sequential]
        for mode in self.settings.modes where mode != .sequential {
            switch mode {
            case .sequential:
                break
            case .threads:
                planned.append(.threads)
            case .local, .remote, .all:
                if mode != .local, let reason = self.remoteSkipReason {
                    report.skipped.append(SkippedMode(mode: mode.rawValue, reason: reason))
                    self.note("\(mode.rawValue) skipped: \(reason)")
                    continue
                }
                let options = self.clusterOptions(
                    localWorkers: mode == .remote ? 0 : self.settings.localWorkers,
                    hosts: mode == .local ? [] : self.hosts
                )
                planned.append(.cluster(mode: mode.rawValue, options: options))
            }
        }
        let calibration = try await self.sequentialTaskSeconds()
        var speeds: [String: [String: Double]] = [:]
        for case .cluster(let mode, let options) in planned {
            speeds[mode] = try await self.calibrate(mode: mode, options: options, calibrationSeconds: calibration)
        }
        for index in 0..<self.settings.warmups {
            for mode in planned where !mode.isCluster {
                let seconds = try await self.runOnce(mode).wall
                self.note(
                    "\(mode.label): warm-up \(index + 1)/\(self.settings.warmups): \(NumberFormatting.duration(seconds))"
                )
            }
        }
        // Measured in rounds, each running every mode once: on a shared machine whose speed drifts by several per
        // cent from minute to minute, all sequential runs first and all parallel runs later would put the drift
        // into the speedup.
        var samples = Array(repeating: [ClusterRunMeasurement](), count: planned.count)
        let rounds = max(1, self.settings.repeats)
        for round in 0..<rounds {
            for (index, mode) in planned.enumerated() {
                let run = try await self.runOnce(mode)
                samples[index].append(run)
                self.note("\(mode.label): run \(round + 1)/\(rounds): \(NumberFormatting.duration(run.wall))")
            }
        }
        guard let sequential = TimingSummary(samples: samples[0].map(\.wall)) else {
            throw BenchError(.taskFailed, "no runs")
        }
        report.sequentialSeconds = sequential.median
        for (index, mode) in planned.enumerated() {
            switch mode {
            case .sequential:
                report.modes.append(
                    ModeResult(
                        mode: "sequential",
                        coresUsed: 1,
                        workers: 1,
                        wall: sequential,
                        sequentialSeconds: sequential.median
                    )
                )
            case .threads:
                report.modes.append(
                    ModeResult(
                        mode: "threads",
                        coresUsed: self.settings.localWorkers,
                        workers: self.settings.localWorkers,
                        wall: TimingSummary(samples: samples[index].map(\.wall)) ?? sequential,
                        sequentialSeconds: sequential.median
                    )
                )
            case .cluster(let name, _):
                report.modes.append(
                    Self.modeResult(
                        mode: name,
                        runs: samples[index],
                        speeds: speeds[name] ?? [:],
                        sequentialSeconds: sequential.median
                    )
                )
            }
        }
        if self.settings.lessons {
            report.lessons = try await self.lessons(report: report)
        }
        if self.settings.sweep {
            report.sweep = try await self.sweep(sequentialSeconds: sequential.median)
        }
        if self.settings.overhead {
            report.overhead = try await self.overheadResults()
        }
        provenance.loadAfter = ProvenanceCollector.loadAverage()
        report.provenance = provenance
        return report
    }

    static var optimized: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }

    // MARK: - Single modes

    /// Runs `work` warm-up times unmeasured, then `repeats` times measured.
    func repeated(_ label: String, _ work: () async throws -> Double) async throws -> TimingSummary {
        for index in 0..<self.settings.warmups {
            let seconds = try await work()
            self.note("\(label): warm-up \(index + 1)/\(self.settings.warmups): \(NumberFormatting.duration(seconds))")
        }
        var samples: [Double] = []
        for index in 0..<max(1, self.settings.repeats) {
            let seconds = try await work()
            samples.append(seconds)
            self.note("\(label): run \(index + 1)/\(self.settings.repeats): \(NumberFormatting.duration(seconds))")
        }
        guard let summary = TimingSummary(samples: samples) else { throw BenchError(.taskFailed, "no runs") }
        return summary
    }

    /// Every task one after another on one thread, `--repeat` times after `--warmup` unmeasured runs.
    func measureSequential<V: Workload>(_ workload: V) async throws -> TimingSummary {
        try await self.repeated("sequential \(V.J.name)") { try await self.sequentialRun(workload) }
    }

    /// Every task one after another on one thread, once.
    /// - Returns: The wall time in seconds.
    func sequentialRun<V: Workload>(_ workload: V) async throws -> Double {
        let sink = OutputSink()
        return try await ThreadGang.runOnOneThread {
            let baseline = try SequentialBaseline<V.J.Output>.measure(workload)
            sink.keep(baseline.outputs)
            guard baseline.failures == 0 else {
                throw BenchError(.taskFailed, "\(baseline.failures) tasks failed in the sequential run")
            }
            return baseline.wallTime.seconds
        }
    }

    /// Every task on `threads` threads of this process, `--repeat` times after `--warmup` unmeasured runs.
    func measureThreads<V: Workload>(_ workload: V, threads: Int) async throws -> TimingSummary {
        try await self.repeated("threads ×\(threads) \(V.J.name)") {
            try await self.threadsRun(workload, threads: threads)
        }
    }

    /// Every task on `threads` threads of this process, each taking the next task as it finishes one, once.
    /// - Returns: The wall time in seconds.
    func threadsRun<V: Workload>(_ workload: V, threads: Int) async throws -> Double {
        let counter = TaskCounter(count: workload.taskCount)
        let failures = FailureCount()
        let sink = OutputSink()
        let start = ContinuousClock.now
        try await ThreadGang.run(threads: threads) { _ in
            var outputs: [V.J.Output] = []
            while let index = counter.take() {
                do { outputs.append(try V.J.run(workload.input(at: index))) } catch { failures.add() }
            }
            sink.keep(outputs)
        }
        let seconds = (ContinuousClock.now - start).seconds
        guard failures.value == 0, sink.count == workload.taskCount else {
            throw BenchError(.taskFailed, "\(failures.value) tasks failed in the threads run")
        }
        return seconds
    }

    /// One run of a planned mode on the bench's workload.
    func runOnce(_ mode: PlannedMode) async throws -> ClusterRunMeasurement {
        switch mode {
        case .sequential:
            return ClusterRunMeasurement(wall: try await self.sequentialRun(self.workload))
        case .threads:
            return ClusterRunMeasurement(
                wall: try await self.threadsRun(self.workload, threads: self.settings.localWorkers)
            )
        case .cluster(let name, let options):
            let workload = self.workload
            let run = try await ClusterRunMeasurement.measure(
                options,
                W.J.self,
                inputs: { workload.input(at: $0) },
                count: workload.taskCount
            )
            guard run.failures == 0 else {
                throw BenchError(.taskFailed, "\(run.failures) tasks failed in a \(name) run")
            }
            return run
        }
    }

    /// One task of this machine's sequential run, in seconds: the middle task, the median of three runs. Hosts'
    /// per-core speed is measured against it.
    func sequentialTaskSeconds() async throws -> Double {
        let workload = self.workload
        let middle = workload.taskCount / 2
        var samples: [Double] = []
        let sink = OutputSink()
        for _ in 0..<3 {
            samples.append(
                try await ThreadGang.runOnOneThread {
                    let start = ContinuousClock.now
                    let output = try W.J.run(workload.input(at: middle))
                    let seconds = (ContinuousClock.now - start).seconds
                    sink.keep([output])
                    return seconds
                }
            )
        }
        return BenchStatistics.median(samples) ?? 0
    }

    /// A cluster mode's calibration run: the middle task on every slot, which also warms up caches and deploys
    /// the worker. Each measured run then starts the cluster afresh (see ``runOnce(_:)``).
    /// - Returns: Per-core speed per host against this machine's sequential run of that task.
    func calibrate(mode: String, options: ClusterOptions, calibrationSeconds: Double) async throws -> [String: Double] {
        let workload = self.workload
        let middle = workload.taskCount / 2
        let estimatedSlots =
            options.resolvedLocalWorkers * options.resolvedLocalSlots + 8 * options.configuration.hosts.count
        let calibrationCount = max(8, 3 * estimatedSlots)
        let calibration = try await ClusterRunMeasurement.measure(
            options,
            W.J.self,
            inputs: { _ in workload.input(at: middle) },
            count: calibrationCount
        )
        self.note("\(mode): calibration/warm-up run: \(NumberFormatting.duration(calibration.wall))")
        var speeds: [String: Double] = [:]
        for (host, busy) in calibration.busyPerTask {
            if let median = BenchStatistics.median(busy), median > 0 { speeds[host] = calibrationSeconds / median }
        }
        return speeds
    }

    static func modeResult(
        mode: String,
        runs: [ClusterRunMeasurement],
        speeds: [String: Double],
        sequentialSeconds: Double?
    ) -> ModeResult {
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
        let slots = runs.map(\.totalSlots).max() ?? 0
        let workers = runs.last?.workers ?? 0
        return ModeResult(
            mode: mode,
            coresUsed: slots,
            workers: workers,
            wall: TimingSummary(samples: runs.map(\.wall)) ?? TimingSummary(samples: [0])!,
            sequentialSeconds: sequentialSeconds,
            phases: PhaseBreakdown.median(of: phases),
            hosts: hosts
        )
    }
}
