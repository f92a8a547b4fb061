import FanoutConfiguration
import FanoutCoordinator

/// The one place that turns a `--cluster` argument into a configuration: which file is read when none is named,
/// what a missing file means for each kind of command, and the known-hosts requirement.
public struct ClusterFileLoader: Sendable {
    /// The file read when the user names none.
    public static let defaultPath = "cluster.yaml"

    /// What a cluster file that does not exist means.
    public enum MissingFile: Sendable, Equatable {
        /// `run` and `exec`: without `--cluster`, `./cluster.yaml` if present, else the built-in defaults (local
        /// cores only); a named file must exist.
        case defaultsUnlessNamed
        /// `bench`: without `--cluster`, the built-in defaults (`./cluster.yaml` is not read); a named file must
        /// exist.
        case defaultsUnlessNamedIgnoringDefaultFile
        /// `hosts check` and `deploy`: the file (named, or `./cluster.yaml`) must exist.
        case required
        /// `hosts trust`: a file that does not exist yet lists no hosts (the command may be creating known_hosts).
        case defaults
    }

    /// The file the user named, or `nil`.
    public var namedPath: String?
    /// What a missing file means.
    public var missingFile: MissingFile
    /// Whether the known-hosts file must already exist.
    public var knownHosts: KnownHostsRequirement

    /// Describes how to load a cluster file.
    /// - Parameters:
    ///   - namedPath: The `--cluster` argument, or `nil` when none was given.
    ///   - missingFile: What a missing file means for this command.
    ///   - knownHosts: Whether the known-hosts file must already exist.
    public init(
        namedPath: String?,
        missingFile: MissingFile = .defaultsUnlessNamed,
        knownHosts: KnownHostsRequirement = .mustExist
    ) {
        self.namedPath = namedPath
        self.missingFile = missingFile
        self.knownHosts = knownHosts
    }

    /// The file this loader reads (the named one, else `cluster.yaml`), as messages name it.
    public var path: String { self.namedPath ?? Self.defaultPath }

    /// Loads and validates the cluster file.
    /// - Returns: The configuration, or the built-in defaults where ``missingFile`` allows them.
    /// - Throws: ``SessionError`` with code ``SessionError/Code/configuration`` and the file:line:col message of
    ///   the configuration error.
    public func load() throws(SessionError) -> ClusterConfiguration {
        if self.namedPath == nil, self.missingFile == .defaultsUnlessNamedIgnoringDefaultFile {
            return ClusterConfiguration()
        }
        do {
            return try ClusterConfiguration.load(path: self.path, knownHosts: self.knownHosts)
        } catch let error where error.code == .fileNotFound && self.mayUseDefaults {
            return ClusterConfiguration()
        } catch {
            throw SessionError(.configuration, error.description)
        }
    }

    /// Finds the worker binary the configuration names (or the one next to this program).
    /// - Parameter configuration: A loaded configuration.
    /// - Returns: The binary to copy to hosts.
    /// - Throws: ``SessionError`` with code ``SessionError/Code/configuration`` when there is none.
    public static func workerBinary(_ configuration: ClusterConfiguration) throws(SessionError) -> WorkerBinary {
        do {
            return try WorkerBinary.locate(configured: configuration.ssh.workerBinary)
        } catch {
            throw SessionError(.configuration, "\(error)")
        }
    }

    private var mayUseDefaults: Bool {
        switch self.missingFile {
        case .defaults: true
        case .defaultsUnlessNamed, .defaultsUnlessNamedIgnoringDefaultFile: self.namedPath == nil
        case .required: false
        }
    }
}
