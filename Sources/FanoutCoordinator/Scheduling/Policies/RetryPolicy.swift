import FanoutProtocol

/// When a task runs again: after its worker died under it (`scheduling.max_retries`), after its job failed
/// (`scheduling.retry_job_errors`), or when its output asks for it (``OutputRetry``).
struct RetryPolicy {
    /// What to do with a task that came back.
    enum Decision: Equatable {
        /// Deliver the result.
        case accept
        /// Run the task again, on another host when one can take it.
        case retry
        /// Drop this answer: another copy of the task is still out and will answer.
        case awaitOtherCopy
    }

    /// Times a task is retried after its worker died under it or its job failed.
    let maxRetries: Int
    /// Retry tasks whose job threw or timed out, not only those whose worker died.
    let retryJobErrors: Bool

    init(settings: SchedulerSettings) {
        self.maxRetries = settings.maxRetries
        self.retryJobErrors = settings.retryJobErrors
    }

    /// The verdict on one answer to a task that has run `attempts` times.
    func decide(
        _ outcome: TaskOutcome,
        attempts: Int,
        otherCopiesOut: Bool,
        retryOutput: OutputRetry?
    ) -> Decision {
        switch outcome {
        case .failure:
            guard self.retryJobErrors else { return .accept }
            if otherCopiesOut { return .awaitOtherCopy }
            return attempts <= self.maxRetries ? .retry : .accept
        case .success(let bytes):
            // The output itself asks for another go: on another host when one can take it (`diedOn`).
            if let retry = retryOutput, !otherCopiesOut, attempts <= retry.maximumRetries, retry.shouldRetry(bytes) {
                return .retry
            }
            return .accept
        }
    }

    /// How many of a lost worker's tasks are charged the attempt they were sent with: workers run their tasks in
    /// the order sent, so only the oldest `slots` can have been running; the rest were queued and are not charged
    /// (a task that keeps killing workers must not take innocent queued tasks down with it). A worker that said
    /// it was leaving ran none of them.
    func chargedOnLoss(slots: Int, leaving: Bool) -> Int { leaving ? 0 : slots }

    /// Whether a task that has run `attempts` times on dying workers has used up its retries.
    func isExhausted(attempts: Int) -> Bool { attempts > self.maxRetries }

    /// The failure of a task whose workers kept dying under it.
    func exhaustedMessage(attempts: Int, lastReason: String) -> String {
        "worker died while running this task \(attempts) times "
            + "(scheduling.max_retries = \(self.maxRetries)); last: \(lastReason)"
    }
}
