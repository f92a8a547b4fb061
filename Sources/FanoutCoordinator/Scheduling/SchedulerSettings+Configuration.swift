import FanoutConfiguration
import FanoutProtocol

extension SchedulerSettings {
    /// The scheduler's settings for a cluster file's `scheduling:` and `limits:` sections: the one place where the
    /// configuration's settings (``SchedulingSettings``, in seconds, as written) become the scheduler's (in
    /// nanoseconds, with the limits it alone has, at their defaults).
    /// - Parameters:
    ///   - scheduling: The `scheduling:` section.
    ///   - limits: The `limits:` section (the frame limit bounds what the scheduler batches).
    ///   - resultBufferBytes: The result buffer's byte limit, `nil` for the default.
    init(scheduling: SchedulingSettings, limits: LimitSettings, resultBufferBytes: Int? = nil) {
        self.init()
        self.prefetch = scheduling.prefetch
        self.maxRetries = scheduling.maxRetries
        self.batchSize = scheduling.batchSize
        self.retryJobErrors = scheduling.retryJobErrors
        self.speculation = scheduling.speculation
        self.clusterInFlightLimit = scheduling.maxInFlight
        self.maximumFrameBytes = limits.maxFrameBytes
        self.taskTimeoutNanoseconds = scheduling.taskTimeout.map(FanoutProtocol.MonotonicClock.nanoseconds(seconds:))
        self.taskTimeoutGraceNanoseconds = FanoutProtocol.MonotonicClock.nanoseconds(
            seconds: scheduling.heartbeatTimeout
        )
        if let resultBufferBytes { self.resultBufferByteLimit = max(1, resultBufferBytes) }
    }
}
