import FanoutConfiguration
import FanoutSessions

/// The session layer's loader under its own name for the files of this module that do not import FanoutSessions
/// (the host and bench commands, until they move to ``ClusterOption``).
typealias ClusterFileLoader = FanoutSessions.ClusterFileLoader

extension ClusterFileLoader {
    /// Loads a cluster file that must exist, for host commands not yet on ``ClusterOption``.
    /// - Parameters:
    ///   - path: The file.
    ///   - knownHosts: Whether the known-hosts file must already exist.
    /// - Returns: The configuration.
    /// - Throws: ``SessionError`` (exit status 2 through ``ExitStatus``).
    static func load(
        _ path: String,
        knownHosts: KnownHostsRequirement = .mustExist
    ) throws(SessionError) -> ClusterConfiguration {
        try ClusterFileLoader(namedPath: path, missingFile: .required, knownHosts: knownHosts).load()
    }
}
