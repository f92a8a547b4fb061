/// How many tasks each worker may hold: one running per slot plus a prefetch queue, widened for short tasks to
/// cover a latency budget or the measured round trip, and bounded by the cluster's in-flight limit and by the
/// bytes the tasks out may bring back.
struct DispatchWindow {
    /// Tasks queued per slot beyond the running one.
    let prefetch: Int
    /// For short tasks, each worker holds enough to keep its slots busy for this long.
    let latencyBudgetNanoseconds: Double
    /// The most tasks one worker holds to cover the latency budget.
    let adaptiveLimit: Int
    /// The most tasks the whole cluster holds out to cover measured round trips.
    let clusterInFlightLimit: Int
    /// Bytes of results the tasks out may bring back, estimated from the run's average result so far.
    let outstandingResultByteLimit: Int
    /// The current run's average result size (moving), plus one byte.
    private(set) var averageResultBytes: Double = 0

    init(settings: SchedulerSettings) {
        self.prefetch = settings.prefetch
        self.latencyBudgetNanoseconds = settings.latencyBudgetNanoseconds
        self.adaptiveLimit = settings.adaptiveLimit
        self.clusterInFlightLimit = settings.clusterInFlightLimit
        self.outstandingResultByteLimit = settings.outstandingResultByteLimit
    }

    /// A new run may bring results of another size.
    mutating func startRun() { self.averageResultBytes = 0 }

    /// Records the size of one result (its output, or its failure message).
    mutating func record(resultBytes: Int) {
        let sample = Double(resultBytes) + 1
        self.averageResultBytes =
            self.averageResultBytes == 0 ? sample : self.averageResultBytes * 0.9 + sample * 0.1
    }

    /// How many tasks `worker` should hold at once: one running per slot, `prefetch` queued per slot, and for
    /// short tasks enough extra to cover the latency budget of work (up to `adaptiveLimit` tasks), or two measured
    /// round trips of work when the link is slower than that (up to the worker's share of the cluster-wide bound).
    func capacity(of worker: WorkerState, workerCount: Int) -> Int {
        let base = worker.slots * (1 + self.prefetch)
        // Until the first result says how long a task takes, assume tasks are long: hoarding unknown work on the
        // first worker to join would starve the others.
        guard worker.timedTasks > 0 else { return base }
        let roundTripLimit = self.clusterInFlightLimit / max(1, workerCount)
        let perTask = max(worker.averageTaskNanoseconds, 1_000)
        let slots = Double(worker.slots)
        let latency = min(Double(self.adaptiveLimit), slots * self.latencyBudgetNanoseconds / perTask)
        // A measured round trip also holds the coordinator's own queueing. Each worker taking up to 32,768 tasks
        // for it sent 64 busy debug-build workers on 2 vCPUs into a spiral of late heartbeats and lost workers
        // (CI), so what the round trip adds is bounded by the worker's share of the whole cluster's window.
        let roundTrips = worker.roundTripNanoseconds.isFinite ? 2 * worker.roundTripNanoseconds : 0
        let link = min(Double(max(self.adaptiveLimit, roundTripLimit)), slots * roundTrips / perTask)
        return max(base, Int(max(latency, link)))
    }

    /// How many more tasks `worker` may take now (zero or less: none).
    func room(for worker: WorkerState, workerCount: Int) -> Int {
        let capacity = self.capacity(of: worker, workerCount: workerCount)
        // With large results, the tasks out are bounded by what they will bring back (each worker its share).
        let resultByteShare = Double(self.outstandingResultByteLimit) / Double(max(1, workerCount))
        let tasksByResultBytes =
            self.averageResultBytes > 0 ? min(resultByteShare / self.averageResultBytes, 1e9) : 1e9
        let byBytes = max(worker.slots, Int(tasksByResultBytes))
        return min(capacity, byBytes) - worker.inFlight.count
    }
}
