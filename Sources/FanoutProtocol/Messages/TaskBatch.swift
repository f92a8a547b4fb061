/// One task as it travels to a worker: its id and its input, already encoded by the job's payload codec.
public struct TaskAssignment: Sendable, Equatable, Codable {
    /// The coordinator's id for this task; unique within a run.
    public var taskID: UInt64
    /// The encoded job input.
    public var input: [UInt8]

    /// Creates an assignment.
    public init(taskID: UInt64, input: [UInt8]) {
        self.taskID = taskID
        self.input = input
    }
}

/// Several tasks of one job in one frame: batching is what makes tiny tasks cheap.
public struct TaskBatch: Sendable, Equatable, Codable {
    /// The registered name of the job every task in the batch runs.
    public var job: String
    /// The tasks.
    public var tasks: [TaskAssignment]

    /// Creates a batch.
    public init(job: String, tasks: [TaskAssignment]) {
        self.job = job
        self.tasks = tasks
    }
}

/// How one task ended on the worker.
public enum TaskOutcome: Sendable, Equatable, Codable {
    /// The job returned; the bytes are its encoded output.
    case success([UInt8])
    /// The job threw, or the task could not run; the text says why.
    case failure(String)
}

/// One finished task.
public struct TaskCompletion: Sendable, Equatable, Codable {
    /// The task's id from its ``TaskAssignment``.
    public var taskID: UInt64
    /// The value or the error.
    public var outcome: TaskOutcome
    /// Time the job spent running on the worker, in nanoseconds.
    public var busyNanoseconds: UInt64

    /// Creates a completion.
    public init(taskID: UInt64, outcome: TaskOutcome, busyNanoseconds: UInt64) {
        self.taskID = taskID
        self.outcome = outcome
        self.busyNanoseconds = busyNanoseconds
    }
}

/// Finished tasks, sent as soon as they are done; several when they finish close together.
public struct ResultBatch: Sendable, Equatable, Codable {
    /// The completions.
    public var results: [TaskCompletion]

    /// Creates a batch.
    public init(results: [TaskCompletion]) { self.results = results }
}

/// Tasks whose results are no longer wanted.
public struct CancelTasks: Sendable, Equatable, Codable {
    /// The ids to drop.
    public var taskIDs: [UInt64]

    /// Creates the message.
    public init(taskIDs: [UInt64]) { self.taskIDs = taskIDs }
}

/// Liveness signal.
public struct Heartbeat: Sendable, Equatable, Codable {
    /// Tasks the sender has running or queued (0 for the coordinator).
    public var tasksInFlight: UInt32

    /// Creates a heartbeat.
    public init(tasksInFlight: UInt32) { self.tasksInFlight = tasksInFlight }
}

/// A log line from a worker.
public struct LogLine: Sendable, Equatable, Codable {
    /// Severity: `debug`, `info`, `warning` or `error`.
    public var level: String
    /// The text.
    public var message: String

    /// Creates a log line.
    public init(level: String, message: String) {
        self.level = level
        self.message = message
    }
}
