/// A worker's command line that cannot be run.
public struct WorkerLaunchError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, as a stable machine-readable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { self.name }

        /// An unknown flag, a missing or malformed value, or flags that exclude each other.
        public static let usage = Code("usage")
    }

    /// The machine-readable code.
    public var code: Code
    /// What to tell the user, without the program name.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The code.
    ///   - message: What to tell the user.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func usage(_ message: String) -> WorkerLaunchError { WorkerLaunchError(.usage, message) }

    public var description: String { self.message }
}
