/// The result of one task, as the caller of ``Cluster/map(_:_:ordered:)`` receives it.
public struct TaskResult<Output: Sendable>: Sendable {
    /// The 0-based position of the task's input in the input sequence.
    public var index: Int
    /// The worker that produced the result (empty when the task failed without reaching one).
    public var workerID: String
    /// The host that worker runs on.
    public var host: String
    /// The output, or why the task failed.
    public var outcome: Result<Output, TaskFailure>
    /// Time the job ran on the worker.
    public var busy: Duration
    /// How many times the task was started (1 unless a worker died under it).
    public var attempts: Int
    /// Whether this result was read back from the run's journal (finished in an earlier, interrupted run) instead
    /// of computed now. Everything else is as it was recorded.
    public var replayed: Bool = false

    /// The output, if the task succeeded.
    public var output: Output? { try? self.outcome.get() }
}

/// Why one task failed: the job threw, its worker kept dying, or its input could not be encoded.
public struct TaskFailure: Error, CustomStringConvertible, Sendable, Equatable {
    /// A sentence for humans.
    public var message: String

    /// Creates a failure.
    public init(_ message: String) { self.message = message }

    public var description: String { self.message }
}
