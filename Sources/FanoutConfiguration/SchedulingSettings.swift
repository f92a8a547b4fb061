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
    /// yaml `heartbeat_interval`: seconds between heartbeats. Default `1`. Allowed: 0.001...86400 and less than
    /// `heartbeat_timeout`.
    public var heartbeatInterval: Double
    /// yaml `heartbeat_timeout`: seconds of silence after which a worker is declared dead and its tasks are
    /// retried elsewhere. Default `5`. Allowed: greater than `heartbeat_interval`, at most 86400.
    /// Every duration here converts safely with ``ConfigurationDuration/duration(seconds:)``.
    public var heartbeatTimeout: Double
    /// yaml `task_timeout`: seconds one task may run; a task past it fails as timed out, and its worker process
    /// exits (a running job cannot be stopped otherwise) and is replaced. Default `null` (no limit). Allowed:
    /// 0.001...86400, or null.
    public var taskTimeout: Double?
    /// yaml `retry_job_errors`: whether a task whose job threw (or timed out) is retried like one whose worker died,
    /// up to `max_retries`, on another host when there is one. Default `false`: the error is reported as the result.
    public var retryJobErrors: Bool
    /// yaml `speculation`: near the end of a run, idle workers get copies of the tasks that have been out longest;
    /// the first result wins and the other copy is cancelled. Default `true`.
    public var speculation: Bool
    /// yaml `max_in_flight`: the most tasks the whole cluster holds out at once to cover slow links' round trips;
    /// a worker on a slow link may hold its share (this ÷ workers, at least 2,048). Default `65536`. Allowed:
    /// 1024...16777216.
    public var maxInFlight: Int

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
        heartbeatTimeout: Double = 5,
        taskTimeout: Double? = nil,
        retryJobErrors: Bool = false,
        speculation: Bool = true,
        maxInFlight: Int = 65_536
    ) {
        self.prefetch = prefetch
        self.maxRetries = maxRetries
        self.batchSize = batchSize
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
        self.taskTimeout = taskTimeout
        self.retryJobErrors = retryJobErrors
        self.speculation = speculation
        self.maxInFlight = maxInFlight
    }
}
