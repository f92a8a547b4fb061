/// A file an `exec` job needs on its host: sent with the task, kept in the host's cache under its SHA-256, and
/// linked into the job's working directory before the program starts.
public struct StagedFile: Codable, Sendable, Equatable {
    /// Where the file goes, relative to the job's working directory.
    public var path: [UInt8]
    /// Lower-case hex SHA-256 of the contents: the cache key, checked on arrival.
    public var digest: String
    /// The bytes.
    public var contents: [UInt8]
    /// A `--basefile` (shared by every job on the host, kept by `--cleanup`) rather than a `--transfer` file.
    public var isBasefile: Bool

    /// Creates a staged file.
    public init(path: [UInt8], digest: String, contents: [UInt8], isBasefile: Bool) {
        self.path = path
        self.digest = digest
        self.contents = contents
        self.isBasefile = isBasefile
    }
}

/// A file an `exec` job left in its working directory that the coordinator asked for (`--return`).
public struct ReturnedFile: Codable, Sendable, Equatable {
    /// The path asked for, relative to the job's working directory.
    public var path: [UInt8]
    /// The bytes, when the file could be read.
    public var contents: [UInt8]?
    /// Why it could not be read.
    public var error: String?

    /// Creates a returned file.
    public init(path: [UInt8], contents: [UInt8]?, error: String?) {
        self.path = path
        self.contents = contents
        self.error = error
    }
}
