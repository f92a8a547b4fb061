import FanoutProtocol

/// What the scheduler tracks per worker: the tasks it holds and how fast it has been.
struct WorkerState {
    let handle: WorkerHandle
    /// Tasks sent to the worker and not yet answered, by task id.
    var inFlight: [UInt64: PendingTask] = [:]
    /// Ids in ``inFlight`` that are speculative copies of a task another worker also holds.
    var speculative: Set<UInt64> = []
    /// The worker said it is exiting (a task ran past the task timeout): it gets no tasks, and when it is gone the
    /// tasks it still holds were only queued, so none is charged an attempt.
    var leaving = false
    /// Tasks completed (successfully or not) by this worker, over the cluster's lifetime.
    var completed = 0
    /// Total time this worker's jobs ran.
    var busyNanoseconds: UInt64 = 0
    /// Moving average of one task's run time in the current run, for sizing the prefetch queue.
    var averageTaskNanoseconds: Double = 0
    /// Tasks of the current run whose run time went into ``averageTaskNanoseconds``.
    var timedTasks = 0

    /// The shortest time seen from sending a task to its result, less the task's own run time: the round trip
    /// to this worker (plus a little batching), as measured on tasks that found its queue empty.
    var roundTripNanoseconds: Double = .infinity

    /// How many tasks this worker should hold at once: one running per slot, `prefetch` queued per slot, and for
    /// short tasks enough extra to cover `latencyBudgetNanoseconds` of work (up to `adaptiveLimit` tasks), or two
    /// measured round trips of work when the link is slower than that (up to `roundTripLimit` tasks, the worker's
    /// share of the cluster-wide bound, see ``SchedulerSettings/clusterInFlightLimit``).
    func capacity(
        prefetch: Int,
        latencyBudgetNanoseconds: Double,
        adaptiveLimit: Int,
        roundTripLimit: Int
    ) -> Int {
        let base = self.handle.slots * (1 + prefetch)
        // Until the first result says how long a task takes, assume tasks are long: hoarding unknown work on the
        // first worker to join would starve the others.
        guard self.timedTasks > 0 else { return base }
        let perTask = max(self.averageTaskNanoseconds, 1_000)
        let slots = Double(self.handle.slots)
        let latency = min(Double(adaptiveLimit), slots * latencyBudgetNanoseconds / perTask)
        // A measured round trip also holds the coordinator's own queueing. Each worker taking up to 32,768 tasks
        // for it sent 64 busy debug-build workers on 2 vCPUs into a spiral of late heartbeats and lost workers
        // (CI), so what the round trip adds is bounded by the worker's share of the whole cluster's window.
        let roundTrips = self.roundTripNanoseconds.isFinite ? 2 * self.roundTripNanoseconds : 0
        let link = min(Double(max(adaptiveLimit, roundTripLimit)), slots * roundTrips / perTask)
        return max(base, Int(max(latency, link)))
    }

    /// Forgets the task length learned in earlier runs: another run may be another job, and a window sized for
    /// 1 µs tasks would hand one worker all of a run of 1 ms tasks. The round trip, a property of the link, stays.
    mutating func startRun() {
        self.averageTaskNanoseconds = 0
        self.timedTasks = 0
    }

    /// Records one finished task's round trip: from `sentAt` to now, less its run time.
    mutating func record(sentAt: UInt64, now: UInt64, busyNanoseconds: UInt64) {
        guard now > sentAt else { return }
        let sample = Double(now - sentAt) - Double(busyNanoseconds)
        if sample > 0 { self.roundTripNanoseconds = min(self.roundTripNanoseconds, sample) }
    }

    mutating func record(busyNanoseconds: UInt64) {
        self.completed += 1
        self.timedTasks += 1
        self.busyNanoseconds &+= busyNanoseconds
        let sample = Double(busyNanoseconds)
        self.averageTaskNanoseconds =
            self.averageTaskNanoseconds == 0 ? sample : self.averageTaskNanoseconds * 0.9 + sample * 0.1
    }
}

/// A task that left the input sequence and has not finished yet.
struct PendingTask {
    var id: UInt64
    var input: [UInt8]
    var attempts: Int
    /// The input's fingerprint for the journal (0 when no journal is kept).
    var inputDigest: UInt64 = 0
    /// When the task was last sent to a worker (monotonic nanoseconds), to find stragglers.
    var sentAt: UInt64 = 0
    /// Hosts whose worker died while holding this task; a retry goes elsewhere when another host can take it.
    var diedOn: Set<String> = []
}
