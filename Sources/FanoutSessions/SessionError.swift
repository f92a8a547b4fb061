/// An error a session reports before or instead of a result: a cluster file or journal that cannot be used, a
/// workload whose parameters are out of range, a summary that cannot be written.
///
/// The message is for people and is printed as it is (`fanout: ` + message); the code says which kind of failure it
/// is, so the command line can pick its exit status without reading the text.
public struct SessionError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure; new codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case configuration
            case journal
            case invalidParameters
            case summary
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The cluster file (or the worker binary it names) cannot be used.
        public static let configuration = Code(.configuration)
        /// The `--journal` file cannot be opened, resumed or written.
        public static let journal = Code(.journal)
        /// A workload's parameters are outside their ranges (the command line checks them before a run).
        public static let invalidParameters = Code(.invalidParameters)
        /// The workload's summary (such as the Mandelbrot image file) could not be produced.
        public static let summary = Code(.summary)

        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, in words, without a `fanout:` prefix.
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
