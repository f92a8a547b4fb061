import ArgumentParser
import FanoutConfiguration
import FanoutSessions

/// `--cluster FILE`, the one declaration every command that reads a cluster file shares (run, exec, bench, hosts,
/// deploy). What a missing file means is the command's choice (``ClusterFileLoader/MissingFile``).
struct ClusterOption: ParsableArguments {
    @Option(
        name: .long,
        help: """
            The cluster configuration file (default: ./cluster.yaml if present, else local cores only; hosts and \
            deploy need a file).
            """
    )
    var cluster: String?

    /// The file messages name: the one given, else `cluster.yaml`.
    var path: String { self.cluster ?? ClusterFileLoader.defaultPath }

    /// The loader for this option.
    /// - Parameters:
    ///   - missingFile: What a missing file means for this command.
    ///   - knownHosts: Whether the known-hosts file must already exist.
    /// - Returns: A loader of the named file, or of `./cluster.yaml`.
    func loader(
        missingFile: ClusterFileLoader.MissingFile = .defaultsUnlessNamed,
        knownHosts: KnownHostsRequirement = .mustExist
    ) -> ClusterFileLoader {
        ClusterFileLoader(namedPath: self.cluster, missingFile: missingFile, knownHosts: knownHosts)
    }

    /// Loads the cluster file.
    /// - Parameters:
    ///   - missingFile: What a missing file means for this command.
    ///   - knownHosts: Whether the known-hosts file must already exist.
    /// - Returns: The configuration.
    /// - Throws: ``SessionError`` (exit status 2 through ``ExitStatus``).
    func load(
        missingFile: ClusterFileLoader.MissingFile = .defaultsUnlessNamed,
        knownHosts: KnownHostsRequirement = .mustExist
    ) throws(SessionError) -> ClusterConfiguration {
        try self.loader(missingFile: missingFile, knownHosts: knownHosts).load()
    }
}
