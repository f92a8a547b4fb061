/// One `map` call as the state machine knows it: its id, its job, its rule for retrying by output and the inputs
/// that came with it.
struct RunDescription: Sendable {
    var id: RunID
    var job: String
    /// Decides whether a task that returned an output must run again; `nil` when only failures are retried.
    var retryOutput: OutputRetry?
    /// Inputs produced with the submission (taken into the input buffer when the run starts).
    var firstInputs: [ProducedInput] = []
    /// The input sequence ended within ``firstInputs``.
    var firstInputsFinished = false

    init(id: RunID, job: String, retryOutput: OutputRetry? = nil) {
        self.id = id
        self.job = job
        self.retryOutput = retryOutput
    }
}
