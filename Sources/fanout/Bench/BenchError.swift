/// A bench that cannot go on: the code says what kind of failure, the message says why for a person. The command
/// prints the message and exits with status 2.
struct BenchError: Error, CustomStringConvertible {
    /// Kinds of failure.
    enum Code: Sendable {
        /// No worker joined a cluster the bench started.
        case noWorkers
        /// A task failed, so the timing would not be of the whole work.
        case taskFailed
        /// A report file could not be written.
        case output
    }

    /// The kind of failure.
    var code: Code
    /// What went wrong.
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { self.message }
}
