/// What the scheduler tracks per worker: the tasks it holds and how fast it has been.
struct WorkerState {
    /// The worker's id.
    let id: String
    /// The host it runs on, as the coordinator launched it.
    let host: String
    /// Tasks it runs at once.
    let slots: Int
    /// Its process id on its host (for the statistics).
    let processID: Int32
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

    init(_ worker: WorkerDescription) {
        self.id = worker.id
        self.host = worker.host
        self.slots = worker.slots
        self.processID = worker.processID
    }

    /// Whether the worker can take a task now without queueing it behind a running one.
    var hasIdleSlot: Bool { !self.leaving && self.inFlight.count < self.slots }

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

    /// Records one finished task's run time.
    mutating func record(busyNanoseconds: UInt64) {
        self.completed += 1
        self.timedTasks += 1
        self.busyNanoseconds &+= busyNanoseconds
        let sample = Double(busyNanoseconds)
        self.averageTaskNanoseconds =
            self.averageTaskNanoseconds == 0 ? sample : self.averageTaskNanoseconds * 0.9 + sample * 0.1
    }

    /// The statistics line for this worker.
    var statistics: StatisticsUpdate {
        .worker(
            id: self.id,
            host: self.host,
            slots: self.slots,
            processID: self.processID,
            completed: self.completed,
            busyNanoseconds: self.busyNanoseconds
        )
    }
}
