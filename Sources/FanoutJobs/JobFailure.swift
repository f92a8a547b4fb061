/// An error a job throws to report a bad input or an impossible task in plain words.
public struct JobFailure: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public var message: String

    /// Creates a failure.
    /// - Parameter message: What went wrong.
    public init(_ message: String) { self.message = message }

    public var description: String { self.message }
}
