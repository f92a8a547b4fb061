/// Pauses a run's input while the caller holds too many results, in count or in bytes.
///
/// The state machine counts what it delivers on top of what the channel last said it held (the driver reports the
/// channel's level after each delivery, and the channel reports it again when it wakes a paused run below half of
/// both limits). The count here is therefore never lower than the channel's, and close to it: input pauses about
/// when the channel is full, not merely after so many results, and a pause can never outlive the results that
/// caused it.
struct ResultBackpressure {
    /// Results held before input pauses.
    let countLimit: Int
    /// Bytes of results held before input pauses.
    let byteLimit: Int
    /// Results delivered and, as far as the state machine knows, not yet released by the caller.
    private(set) var held = 0
    /// Their bytes.
    private(set) var heldBytes = 0
    /// Input is paused until the channel reports it drained.
    private(set) var isPaused = false

    init(countLimit: Int, byteLimit: Int) {
        self.countLimit = max(1, countLimit)
        self.byteLimit = max(1, byteLimit)
    }

    init(settings: SchedulerSettings) {
        self.init(countLimit: settings.resultBufferLimit, byteLimit: settings.resultBufferByteLimit)
    }

    /// Whether what is held reaches a limit.
    var isFull: Bool { self.held >= self.countLimit || self.heldBytes >= self.byteLimit }

    /// A new run starts with an empty channel.
    mutating func startRun() {
        self.held = 0
        self.heldBytes = 0
        self.isPaused = false
    }

    /// Counts a delivered result.
    mutating func record(_ result: RawResult) {
        self.held &+= 1
        self.heldBytes &+= result.approximateBytes
    }

    /// Pauses input if the held results reach a limit.
    /// - Returns: Whether input is paused (the driver must then ask the channel for a wakeup, once per pause).
    mutating func pauseIfFull() -> Bool {
        guard !self.isPaused, self.isFull else { return self.isPaused }
        self.isPaused = true
        return true
    }

    /// The channel holds `held` results of `heldBytes` (after the last delivery: nothing delivered since).
    mutating func observe(held: Int, heldBytes: Int) {
        self.held = held
        self.heldBytes = heldBytes
    }

    /// The channel drained: `held` results of `heldBytes` are still with the caller.
    mutating func resume(held: Int, heldBytes: Int) {
        self.isPaused = false
        self.held = held
        self.heldBytes = heldBytes
    }
}
