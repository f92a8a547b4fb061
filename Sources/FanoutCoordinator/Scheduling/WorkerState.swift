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
    /// Moving average of the encoded input size, in bytes, which bounds how far the window may grow.
    var averageInputBytes: Double = 0

    /// The most tasks a worker on a slow link may hold, when its inputs are small (see ``capacity``).
    static let roundTripLimit = 32_768
    /// Inputs at most this large (on average) may use ``roundTripLimit``: 32,768 of them are at most 128 MiB.
    static let smallInputBytes = 4_096.0

    /// How many tasks this worker should hold at once: one running per slot, `prefetch` queued per slot, and for
    /// short tasks enough extra to cover `latencyBudgetNanoseconds` of work, or two measured round trips when the
    /// link is slower than that, so a round trip never leaves a core idle.
    func capacity(prefetch: Int, latencyBudgetNanoseconds: Double, adaptiveLimit: Int) -> Int {
        let base = self.handle.slots * (1 + prefetch)
        // Until the first result says how long a task takes, assume tasks are long: hoarding unknown work on the
        // first worker to join would starve the others.
        guard self.timedTasks > 0 else { return base }
        let perTask = max(self.averageTaskNanoseconds, 1_000)
        let roundTrips = self.roundTripNanoseconds.isFinite ? 2 * self.roundTripNanoseconds : 0
        let budget = max(latencyBudgetNanoseconds, roundTrips)
        // A window sized by the round trip may pass the usual limit, but only for small inputs, so a slow link
        // cannot make the coordinator hold gigabytes of queued input.
        let limit =
            budget > latencyBudgetNanoseconds && self.averageInputBytes <= Self.smallInputBytes
            ? max(adaptiveLimit, Self.roundTripLimit) : adaptiveLimit
        let adaptive = Int(min(Double(limit), Double(self.handle.slots) * budget / perTask))
        return max(base, adaptive)
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

    /// Records the size of an input sent to this worker.
    mutating func record(inputBytes: Int) {
        let sample = Double(inputBytes)
        self.averageInputBytes = self.averageInputBytes == 0 ? sample : self.averageInputBytes * 0.99 + sample * 0.01
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
