/// A bench that cannot go on: the code says what kind of failure, the message says why for a person.
///
/// The command line prints the message after `fanout bench: ` and exits with status 2.
public struct BenchError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of failure; new codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidRequest
            case noWorkers
            case taskFailed
            case output
            case unreadableBaseline
            case notComparable
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The request asks for something out of range, or names an unknown mode.
        public static let invalidRequest = Code(.invalidRequest)
        /// No worker joined a cluster the bench started.
        public static let noWorkers = Code(.noWorkers)
        /// A task failed, so the timing would not be of the whole work.
        public static let taskFailed = Code(.taskFailed)
        /// A report file could not be written.
        public static let output = Code(.output)
        /// The baseline report to compare with (`--compare`) cannot be read or decoded.
        public static let unreadableBaseline = Code(.unreadableBaseline)
        /// The baseline measured something else: another kernel, kernel options, task count or cluster file.
        public static let notComparable = Code(.notComparable)

        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, for people, without a `fanout bench:` prefix.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong, for people.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { self.message }
}
