/// A run's rule for retrying tasks by their output (a program's non-zero exit, for `fanout exec --retries`).
struct OutputRetry: Sendable {
    /// Times a task may run again because of its output.
    let maximumRetries: Int
    /// Whether this encoded output asks for another attempt.
    let shouldRetry: @Sendable ([UInt8]) -> Bool
}
