/// How tasks are handed to workers, from the `scheduling:` section.
public struct SchedulingSettings: Sendable, Equatable {
    /// yaml `prefetch`: tasks queued per worker slot beyond the one running, so a slot never waits on the network.
    /// Default `2`. Allowed: 0...1024.
    public var prefetch: Int
    /// yaml `max_retries`: how many times a task is re-run after its worker failed or vanished before the task is
    /// reported as failed. Default `3`. Allowed: 0...100.
    public var maxRetries: Int
    /// yaml `batch_size`: the most tasks sent in one frame. Default `256`. Allowed: 1...65536.
    public var batchSize: Int
    /// yaml `heartbeat_interval`: seconds between heartbeats. Default `1`. Allowed: greater than 0, at most 86400,
    /// and less than `heartbeat_timeout`.
    public var heartbeatInterval: Double
    /// yaml `heartbeat_timeout`: seconds of silence after which a worker is declared dead and its tasks are
    /// retried elsewhere. Default `5`. Allowed: greater than `heartbeat_interval`, at most 86400.
    public var heartbeatTimeout: Double

    /// Creates scheduling settings.
    /// - Parameters:
    ///   - prefetch: Tasks queued per slot beyond the running one.
    ///   - maxRetries: Re-runs of a task before it fails.
    ///   - batchSize: Most tasks in one frame.
    ///   - heartbeatInterval: Seconds between heartbeats.
    ///   - heartbeatTimeout: Seconds of silence before a worker is declared dead.
    public init(
        prefetch: Int = 2,
        maxRetries: Int = 3,
        batchSize: Int = 256,
        heartbeatInterval: Double = 1,
        heartbeatTimeout: Double = 5
    ) {
        self.prefetch = prefetch
        self.maxRetries = maxRetries
        self.batchSize = batchSize
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
    }
}
