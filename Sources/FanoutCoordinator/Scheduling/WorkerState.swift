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
    /// Moving average of one task's run time, for sizing the prefetch queue.
    var averageTaskNanoseconds: Double = 0

    /// How many tasks this worker should hold at once: one running per slot, `prefetch` queued per slot, and for
    /// short tasks enough extra to cover `latencyBudgetNanoseconds` of work, so a round trip never leaves a core idle.
    func capacity(prefetch: Int, latencyBudgetNanoseconds: Double, adaptiveLimit: Int) -> Int {
        let base = self.handle.slots * (1 + prefetch)
        // Until the first result says how long a task takes, assume tasks are long: hoarding unknown work on the
        // first worker to join would starve the others.
        guard self.completed > 0 else { return base }
        let perTask = max(self.averageTaskNanoseconds, 1_000)
        let adaptive = Int(min(Double(adaptiveLimit), Double(self.handle.slots) * latencyBudgetNanoseconds / perTask))
        return max(base, adaptive)
    }

    mutating func record(busyNanoseconds: UInt64) {
        self.completed += 1
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
