import FanoutBench
import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension WorkloadRunner {
    /// Overhead in each setting: local workers, and the cluster file's hosts alone when it has any.
    func overheadResults() async throws -> [OverheadResult] {
        let label = self.request.overheadLabel.map { " \($0)" } ?? ""
        let oneMillisecond = Self.oneMillisecondTask
        self.note(
            "overhead: a 1 ms task is `spin` for \(oneMillisecond.input) µs (a core kept busy for that long)"
        )
        var results = [
            try await self.overhead(
                setting: "local (\(self.request.localWorkers) workers)\(label)",
                options: self.request.clusterOptions(localWorkers: self.request.localWorkers, hosts: []),
                oneMillisecond: oneMillisecond
            )
        ]
        if !self.request.hosts.isEmpty {
            results.append(
                try await self.overhead(
                    setting: "\(self.request.hosts.count) hosts\(label)",
                    options: self.request.clusterOptions(localWorkers: 0, hosts: self.request.hosts),
                    oneMillisecond: oneMillisecond
                )
            )
        }
        return results
    }

    /// The 1 ms task of the efficiency measurement: `spin` for 1,000 µs, a core kept busy for a fixed wall-clock
    /// time. Compute kernels would also measure the VM: on this kind of machine two busy vCPUs deliver well under
    /// twice one vCPU's work on them (primes near 10⁹: about half), and that would be charged to Fanout.
    static var oneMillisecondTask: (input: UInt32, seconds: Double) { (1_000, 0.001) }

    /// One setting: each repetition starts a cluster and measures the first result, single-task latency on the
    /// running cluster, no-op throughput and the efficiency of 1 ms tasks.
    func overhead(
        setting: String,
        options: ClusterOptions,
        oneMillisecond: (input: UInt32, seconds: Double)
    ) async throws -> OverheadResult {
        let noopTasks = self.request.noopTasks
        let latencySamples = self.request.latencySamples
        var rates: [Double] = []
        var latencies: [UInt64] = []
        var firstResults: [Double] = []
        var efficiencies: [Double] = []
        var cores = 0
        for repetition in 0..<(self.request.warmups + max(1, self.request.repeats)) {
            let stopwatch = Stopwatch()
            let run = try await Cluster.withCluster(options) { cluster in
                var run = OverheadRun()
                for try await _ in cluster.map(Noop.self, [UInt64(0)]) {}
                run.firstResult = stopwatch.seconds
                try await cluster.waitForLaunches(timeout: .seconds(120))
                run.slots = cluster.statistics.workers.filter { $0.lostReason == nil }.reduce(0) { $0 + $1.slots }
                for index in 0..<latencySamples {
                    let sent = Stopwatch()
                    for try await _ in cluster.map(Noop.self, [UInt64(index)]) {}
                    run.latencies.append(UInt64(max(0, sent.seconds * 1e9)))
                }
                let noopStopwatch = Stopwatch()
                var completed = 0
                for try await result in cluster.map(Noop.self, (0..<noopTasks).lazy.map { UInt64($0) }) {
                    if result.output != nil { completed += 1 }
                }
                guard completed == noopTasks else {
                    throw BenchError(.taskFailed, "\(noopTasks - completed) no-op tasks failed")
                }
                run.rate = Double(noopTasks) / noopStopwatch.seconds
                let oneMillisecondTasks = 500 * max(1, run.slots)
                let spinStopwatch = Stopwatch()
                var spun = 0
                for try await result in cluster.map(
                    Spin.self,
                    repeatElement(oneMillisecond.input, count: oneMillisecondTasks)
                ) {
                    if result.output != nil { spun += 1 }
                }
                guard spun == oneMillisecondTasks else {
                    throw BenchError(.taskFailed, "\(oneMillisecondTasks - spun) of the 1 ms tasks failed")
                }
                let elapsed = spinStopwatch.seconds
                let ideal = Double(oneMillisecondTasks) * oneMillisecond.seconds / Double(max(1, run.slots))
                run.efficiency = ideal / elapsed
                return run
            }
            let measured = repetition >= self.request.warmups
            self.note(
                "overhead \(setting)\(measured ? "" : " (warm-up)"): \(NumberFormatting.fixed(run.rate, 0)) no-op "
                    + "tasks/s, 1 ms efficiency \(NumberFormatting.fixed(run.efficiency, 3)), first result "
                    + NumberFormatting.duration(run.firstResult)
            )
            guard measured else { continue }
            rates.append(run.rate)
            latencies += run.latencies
            firstResults.append(run.firstResult)
            efficiencies.append(run.efficiency)
            cores = run.slots
        }
        let warm = BenchStatistics.median(latencies.map { Double($0) / 1e9 })
        return OverheadResult(
            setting: setting,
            cores: cores,
            noopTasks: noopTasks,
            noopTasksPerSecond: TimingSummary(samples: rates) ?? TimingSummary(samples: [0])!,
            latency: LatencyPercentiles(nanoseconds: latencies),
            efficiencyOneMillisecond: BenchStatistics.median(efficiencies),
            firstResultCold: BenchStatistics.median(firstResults),
            firstResultWarm: warm
        )
    }
}
