/// `known_hosts` could not be read or written.
public struct KnownHostsFileError: Error, CustomStringConvertible, Sendable {
    /// The file or directory that could not be created, read or written.
    public var path: String
    /// The system's reason.
    public var reason: String
    /// Whether reading (rather than writing) failed.
    public var reading: Bool

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - path: The file or directory.
    ///   - reason: The system's reason.
    ///   - reading: Whether reading failed.
    public init(path: String, reason: String, reading: Bool = false) {
        self.path = path
        self.reason = reason
        self.reading = reading
    }

    /// A sentence naming the path and the reason.
    public var description: String { "cannot \(self.reading ? "read" : "write") \(self.path): \(self.reason)" }
}
