import FanoutBench
import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs

/// Runs a bench's measurements on a workload: single runs of each mode, calibration, and the repeated
/// measurements the lessons, sweep and overhead sections are made of.
struct WorkloadRunner<W: Workload>: BenchModeRunner {
    let workload: W
    let request: BenchRequest
    /// Receives each progress line.
    let note: @Sendable (String) -> Void

    /// The same runner without warm-up runs (a sweep's points follow the modes, which warmed everything up).
    func withoutWarmups() -> WorkloadRunner {
        var request = self.request
        request.warmups = 0
        return WorkloadRunner(workload: self.workload, request: request, note: self.note)
    }

    // MARK: - Repeated measurements

    /// Runs `work` warm-up times unmeasured, then `repeats` times measured.
    /// - Parameters:
    ///   - label: What the progress lines call it.
    ///   - work: One run; returns its time in seconds.
    /// - Returns: The measured times.
    func repeated(_ label: String, _ work: () async throws -> Double) async throws -> TimingSummary {
        for index in 0..<self.request.warmups {
            let seconds = try await work()
            self.note("\(label): warm-up \(index + 1)/\(self.request.warmups): \(NumberFormatting.duration(seconds))")
        }
        var samples: [Double] = []
        for index in 0..<max(1, self.request.repeats) {
            let seconds = try await work()
            samples.append(seconds)
            self.note("\(label): run \(index + 1)/\(self.request.repeats): \(NumberFormatting.duration(seconds))")
        }
        guard let summary = TimingSummary(samples: samples) else { throw BenchError(.taskFailed, "no runs") }
        return summary
    }

    /// Every task one after another on one thread, `repeats` times after `warmups` unmeasured runs.
    func measureSequential<V: Workload>(_ workload: V) async throws -> TimingSummary {
        try await self.repeated("sequential \(V.J.name)") { try await self.sequentialRun(workload) }
    }

    /// Every task on `threads` threads of this process, `repeats` times after `warmups` unmeasured runs.
    func measureThreads<V: Workload>(_ workload: V, threads: Int) async throws -> TimingSummary {
        try await self.repeated("threads ×\(threads) \(V.J.name)") {
            try await self.threadsRun(workload, threads: threads)
        }
    }

    // MARK: - Single runs

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
            return Stopwatch.seconds(baseline.wallTime)
        }
    }

    /// Every task on `threads` threads of this process, each taking the next task as it finishes one, once.
    /// - Returns: The wall time in seconds.
    func threadsRun<V: Workload>(_ workload: V, threads: Int) async throws -> Double {
        let counter = TaskCounter(count: workload.taskCount)
        let failures = FailureCount()
        let sink = OutputSink()
        let stopwatch = Stopwatch()
        try await ThreadGang.run(threads: threads) { _ in
            var outputs: [V.J.Output] = []
            while let index = counter.take() {
                do { outputs.append(try V.J.run(workload.input(at: index))) } catch { failures.add() }
            }
            sink.keep(outputs)
        }
        let seconds = stopwatch.seconds
        guard failures.value == 0, sink.count == workload.taskCount else {
            throw BenchError(.taskFailed, "\(failures.value) tasks failed in the threads run")
        }
        return seconds
    }

    func runOnce(_ mode: PlannedMode) async throws -> ClusterRunMeasurement {
        switch mode {
        case .sequential:
            return ClusterRunMeasurement(wall: try await self.sequentialRun(self.workload))
        case .threads(let threads):
            return ClusterRunMeasurement(wall: try await self.threadsRun(self.workload, threads: threads))
        case .cluster(let name, let options):
            let run = try await ClusterRunMeasurement.measure(options, workload: self.workload)
            try run.requireNoFailures(in: "a \(name.rawValue) run")
            return run
        }
    }

    // MARK: - Calibration

    func oneTaskSeconds() async throws -> Double {
        let workload = self.workload
        let middle = workload.taskCount / 2
        var samples: [Double] = []
        let sink = OutputSink()
        for _ in 0..<3 {
            samples.append(
                try await ThreadGang.runOnOneThread {
                    let stopwatch = Stopwatch()
                    let output = try W.J.run(workload.input(at: middle))
                    let seconds = stopwatch.seconds
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
    func calibrate(_ mode: PlannedMode, oneTaskSeconds: Double) async throws -> [String: Double] {
        guard case .cluster(let name, let options) = mode else { return [:] }
        let workload = self.workload
        let middle = workload.taskCount / 2
        let estimatedSlots =
            options.resolvedLocalWorkers * options.resolvedLocalSlots + 8 * options.configuration.hosts.count
        let calibration = try await ClusterRunMeasurement.measure(
            options,
            W.J.self,
            inputs: { _ in workload.input(at: middle) },
            count: max(8, 3 * estimatedSlots)
        )
        self.note("\(name.rawValue): calibration/warm-up run: \(NumberFormatting.duration(calibration.wall))")
        var speeds: [String: Double] = [:]
        for (host, busy) in calibration.busyPerTask {
            if let median = BenchStatistics.median(busy), median > 0 { speeds[host] = oneTaskSeconds / median }
        }
        return speeds
    }
}
