/// A mode that was asked for but could not run, and why (for example `remote` with no hosts configured).
public struct SkippedMode: Codable, Sendable, Equatable {
    /// The mode's name.
    public var mode: String
    /// Why it did not run.
    public var reason: String

    /// Creates an entry.
    public init(mode: String, reason: String) {
        self.mode = mode
        self.reason = reason
    }
}
