import FanoutBench
import FanoutConfiguration
import FanoutCoordinator

extension WorkloadRunner {
    /// The scaling sweep: 1..N threads, 1..N local workers, then the N local workers with the cluster file's hosts
    /// added one at a time. Each point is `repeats` measured runs.
    func sweep(sequentialSeconds: Double) async throws -> [SweepPoint] {
        var points: [SweepPoint] = []
        let cores = self.request.localWorkers
        func speedup(_ wall: TimingSummary) -> Double? {
            BenchStatistics.speedup(baseline: sequentialSeconds, parallel: wall.median)
        }
        let sweepSettings = self.withoutWarmups()
        for threads in 1...max(1, cores) {
            let wall = try await sweepSettings.measureThreads(self.workload, threads: threads)
            points.append(
                SweepPoint(
                    series: "threads",
                    cores: threads,
                    label: "\(threads) threads",
                    wall: wall,
                    speedup: speedup(wall)
                )
            )
        }
        for workers in 1...max(1, cores) {
            let (wall, slots) = try await sweepSettings.measureClusterWall(
                self.request.clusterOptions(localWorkers: workers, hosts: [])
            )
            points.append(
                SweepPoint(
                    series: "local workers",
                    cores: slots,
                    label: "\(workers) local workers",
                    wall: wall,
                    speedup: speedup(wall)
                )
            )
        }
        if !self.request.hosts.isEmpty {
            for count in 1...self.request.hosts.count {
                let (wall, slots) = try await sweepSettings.measureClusterWall(
                    self.request.clusterOptions(localWorkers: cores, hosts: Array(self.request.hosts.prefix(count)))
                )
                points.append(
                    SweepPoint(
                        series: "local + hosts",
                        cores: slots,
                        label: "\(cores) local workers + \(count) host\(count == 1 ? "" : "s")",
                        wall: wall,
                        speedup: speedup(wall)
                    )
                )
            }
        }
        return points
    }

    /// Wall times of the whole workload on a cluster, and the slots it had.
    func measureClusterWall(_ options: ClusterOptions) async throws -> (TimingSummary, Int) {
        let workload = self.workload
        var slots = 0
        let wall = try await self.repeated(
            "sweep: \(options.resolvedLocalWorkers) local + \(options.configuration.hosts.count) hosts"
        ) {
            let run = try await ClusterRunMeasurement.measure(options, workload: workload)
            try run.requireNoFailures(in: "the sweep")
            slots = run.totalSlots
            return run.wall
        }
        return (wall, slots)
    }
}
