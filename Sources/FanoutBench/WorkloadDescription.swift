/// The kernel and the total work a bench ran: the same for every mode, so their times compare.
public struct WorkloadDescription: Codable, Sendable, Equatable {
    /// The job's name (`primes`, `sum-squares`, …).
    public var job: String
    /// Number of tasks.
    public var tasks: Int
    /// The parameters as a user would type them to `fanout run`.
    public var parameters: String

    /// Creates a description.
    public init(job: String, tasks: Int, parameters: String) {
        self.job = job
        self.tasks = tasks
        self.parameters = parameters
    }
}
