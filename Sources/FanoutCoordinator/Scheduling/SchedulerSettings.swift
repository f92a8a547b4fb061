/// The scheduler's limits, each with a default; `cluster.yaml`'s `scheduling:` section sets most of them.
public struct SchedulerSettings: Sendable, Equatable {
    /// Tasks queued per slot beyond the running one (`scheduling.prefetch`).
    public var prefetch: Int = 2
    /// Times a task is retried after its worker died under it (`scheduling.max_retries`).
    public var maxRetries: Int = 3
    /// The most tasks in one frame (`scheduling.batch_size`).
    public var batchSize: Int = 256
    /// Retry tasks whose job threw or timed out, not only those whose worker died (`scheduling.retry_job_errors`).
    public var retryJobErrors = false
    /// Give idle workers copies of the oldest outstanding tasks near the end of a run (`scheduling.speculation`).
    public var speculation = true
    /// For short tasks, each worker holds enough to keep its slots busy for this long, in nanoseconds.
    public var latencyBudgetNanoseconds: Double = 5_000_000
    /// The most tasks one worker holds to cover ``latencyBudgetNanoseconds``.
    public var adaptiveLimit: Int = 2_048
    /// The most tasks the whole cluster holds out to cover measured round trips (`scheduling.max_in_flight`): on a
    /// slow link a worker may hold up to its share of this (this ÷ workers, never less than ``adaptiveLimit``), so
    /// a long round trip does not cap throughput at `adaptiveLimit` ÷ round trip, while many workers together
    /// cannot take the whole run.
    public var clusterInFlightLimit: Int = 65_536
    /// The scheduler stops pulling inputs while this many results wait for the caller (in the hand-off, and with
    /// `ordered` in the reorder buffer behind a task that has not answered yet).
    public var resultBufferLimit: Int = 16_384
    /// The scheduler stops pulling inputs while results of this many bytes wait for the caller, counted like
    /// ``resultBufferLimit``: one stalled task of an ordered run cannot make the others pile up in memory.
    public var resultBufferByteLimit: Int = 64 << 20
    /// Bytes of results the tasks out on workers may bring back, estimated from the run's average result so far:
    /// with large outputs a worker holds fewer tasks (never fewer than its slots), so that what arrives after a
    /// pause stays bounded too.
    public var outstandingResultByteLimit: Int = 256 << 20

    /// How long one task may run (`scheduling.task_timeout`), in nanoseconds; `nil` for no limit. Workers enforce
    /// it themselves; the coordinator also takes a task back from a worker that has not answered it within this
    /// plus ``taskTimeoutGraceNanoseconds`` of when it could start, and drops that worker: a compromised or wedged
    /// worker that keeps heartbeating cannot hold a task for ever.
    public var taskTimeoutNanoseconds: UInt64?
    /// The slack added to ``taskTimeoutNanoseconds`` before the coordinator steps in: the heartbeat timeout, which
    /// covers the network and the worker's own report of a timed-out task.
    public var taskTimeoutGraceNanoseconds: UInt64 = 5_000_000_000

    /// The frame limit both sides enforce (`limits.max_frame_bytes`). Batches stay under half of it, and a single
    /// input that cannot fit in a frame fails as a task instead of breaking connections.
    public var maximumFrameBytes: Int = 16 * 1024 * 1024

    /// Inputs the scheduler asks its input producer for at once: the producer pulls and encodes them off the
    /// scheduler's loop, and the next chunk is asked for when half of one is left.
    public var inputChunkSize: Int = 1_024
    /// Bytes of encoded inputs waiting to be handed out at most before the next chunk is asked for (large inputs,
    /// such as `exec --transfer` files, then come a few at a time).
    public var inputBufferByteLimit: Int = 16 << 20

    /// Creates settings with the defaults.
    public init() {}
}
