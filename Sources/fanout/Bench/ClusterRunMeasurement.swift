import FanoutCoordinator
import FanoutJobs

/// What one run on a cluster took: wall time, its parts, and each host's tasks, busy time and slots.
struct ClusterRunMeasurement: Sendable {
    /// From starting the cluster to its workers stopped, in seconds (what `/usr/bin/time` would see of it).
    var wall: Double = 0
    /// From starting the cluster to every worker joined.
    var launch: Double = 0
    /// From starting the cluster to the last result.
    var lastResult: Double = 0
    /// Tasks completed per host.
    var tasks: [String: Int] = [:]
    /// Busy seconds per host, summed over its slots.
    var busy: [String: Double] = [:]
    /// Busy seconds per task per host (for calibration).
    var busyPerTask: [String: [Double]] = [:]
    /// Task slots per host.
    var slots: [String: Int] = [:]
    /// Worker processes that joined.
    var workers = 0
    /// Tasks that failed.
    var failures = 0

    /// All slots.
    var totalSlots: Int { self.slots.values.reduce(0, +) }

    /// Starts a cluster, waits until every worker has joined or failed, runs `inputs`, stops the cluster.
    /// - Parameters:
    ///   - options: The cluster.
    ///   - job: The job.
    ///   - inputs: Its inputs.
    /// - Returns: The measurement.
    /// - Throws: ``ClusterError`` when the cluster cannot start or no worker joins.
    static func measure<J: Job>(
        _ options: ClusterOptions,
        _ job: J.Type,
        inputs: @escaping @Sendable (Int) -> J.Input,
        count: Int
    ) async throws -> ClusterRunMeasurement {
        let start = ContinuousClock.now
        var measurement = try await Cluster.withCluster(options) { cluster in
            var measurement = ClusterRunMeasurement()
            try await cluster.waitForLaunches(timeout: .seconds(120))
            measurement.launch = (ContinuousClock.now - start).seconds
            for worker in cluster.statistics.workers where worker.lostReason == nil {
                measurement.slots[worker.host, default: 0] += worker.slots
                measurement.workers += 1
            }
            var results = cluster.map(job, (0..<count).lazy.map(inputs)).makeAsyncIterator()
            while let result = try await results.next() {
                switch result.outcome {
                case .success:
                    measurement.tasks[result.host, default: 0] += 1
                    measurement.busy[result.host, default: 0] += result.busy.seconds
                    measurement.busyPerTask[result.host, default: []].append(result.busy.seconds)
                case .failure:
                    measurement.failures += 1
                }
            }
            measurement.lastResult = (ContinuousClock.now - start).seconds
            return measurement
        }
        measurement.wall = (ContinuousClock.now - start).seconds
        if measurement.slots.isEmpty {
            throw BenchError(.noWorkers, "no worker joined the cluster")
        }
        return measurement
    }
}
