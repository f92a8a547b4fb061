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
    ///   - count: How many tasks.
    /// - Returns: The measurement.
    /// - Throws: ``ClusterError`` when the cluster cannot start, ``BenchError`` when no worker joins.
    static func measure<J: Job>(
        _ options: ClusterOptions,
        _ job: J.Type,
        inputs: @escaping @Sendable (Int) -> J.Input,
        count: Int
    ) async throws -> ClusterRunMeasurement {
        let stopwatch = Stopwatch()
        var measurement = try await Cluster.withCluster(options) { cluster in
            var measurement = ClusterRunMeasurement()
            try await cluster.waitForLaunches(timeout: .seconds(120))
            measurement.launch = stopwatch.seconds
            for worker in cluster.statistics.workers where worker.lostReason == nil {
                measurement.slots[worker.host, default: 0] += worker.slots
                measurement.workers += 1
            }
            var results = cluster.map(job, (0..<count).lazy.map(inputs)).makeAsyncIterator()
            while let result = try await results.next() {
                switch result.outcome {
                case .success:
                    let busy = Stopwatch.seconds(result.busy)
                    measurement.tasks[result.host, default: 0] += 1
                    measurement.busy[result.host, default: 0] += busy
                    measurement.busyPerTask[result.host, default: []].append(busy)
                case .failure:
                    measurement.failures += 1
                }
            }
            measurement.lastResult = stopwatch.seconds
            return measurement
        }
        measurement.wall = stopwatch.seconds
        if measurement.slots.isEmpty {
            throw BenchError(.noWorkers, "no worker joined the cluster")
        }
        return measurement
    }

    /// Starts a cluster and runs every task of `workload` on it (see ``measure(_:_:inputs:count:)``).
    /// - Parameters:
    ///   - options: The cluster.
    ///   - workload: The tasks.
    /// - Returns: The measurement.
    /// - Throws: ``ClusterError`` when the cluster cannot start, ``BenchError`` when no worker joins.
    static func measure<W: Workload>(_ options: ClusterOptions, workload: W) async throws -> ClusterRunMeasurement {
        try await Self.measure(options, W.J.self, inputs: { workload.input(at: $0) }, count: workload.taskCount)
    }

    /// Throws unless every task succeeded: a timing of part of the work would mislead.
    /// - Parameter run: Where the tasks ran, for the message (`a local run`, `the sweep`).
    /// - Throws: ``BenchError`` with code ``BenchError/Code/taskFailed``.
    func requireNoFailures(in run: String) throws(BenchError) {
        guard self.failures == 0 else { throw BenchError(.taskFailed, "\(self.failures) tasks failed in \(run)") }
    }
}
