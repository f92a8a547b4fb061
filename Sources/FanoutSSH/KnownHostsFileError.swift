/// `known_hosts` could not be written.
public struct KnownHostsFileError: Error, CustomStringConvertible, Sendable {
    /// The file or directory that could not be created or written.
    public var path: String
    /// The system's reason.
    public var reason: String

    /// A sentence naming the path and the reason.
    public var description: String { "cannot write \(self.path): \(self.reason)" }
}
