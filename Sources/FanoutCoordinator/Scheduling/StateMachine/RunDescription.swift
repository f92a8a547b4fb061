/// One `map` call as the state machine knows it: its id, its job and its rule for retrying by output.
struct RunDescription: Sendable {
    var id: RunID
    var job: String
    /// Decides whether a task that returned an output must run again; `nil` when only failures are retried.
    var retryOutput: OutputRetry?

    init(id: RunID, job: String, retryOutput: OutputRetry? = nil) {
        self.id = id
        self.job = job
        self.retryOutput = retryOutput
    }
}
