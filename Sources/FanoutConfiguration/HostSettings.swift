/// One remote machine reached over SSH.
///
/// An entry of the `hosts:` list whose `address` is a range (`node[01-32]`, see ``NodeSet``) becomes one
/// `HostSettings` per name, in order, each with the entry's other settings.
public struct HostSettings: Sendable, Equatable {
    /// yaml `address`: host name or IP address to connect to; in the file, a pattern such as `lab-host[1-16]` that
    /// stands for several hosts, here one of its names. Required: ASCII letters, digits, `.`, `-`, `_`, `:` and
    /// `%`, not starting with `-` (so it can reach no shell and pose as no option).
    public var address: String
    /// yaml `port`: the SSH port. Default `22`. Allowed: 1...65535.
    public var port: Int
    /// yaml `user`: login name for this host, overriding `ssh.user`. Default `null`: use `ssh.user`. Allowed: ASCII
    /// letters, digits, `.`, `_`, `-`, `@` and a final `$`, not starting with `-`.
    public var user: String?
    /// yaml `identity`: private key for this host, overriding `ssh.identity`. Default `null`: use `ssh.identity`.
    /// Kept as written (no control characters); the consumer expands `~`.
    public var identity: String?
    /// yaml `workers`: worker processes to start on this host. Default `1`. Allowed: `auto` (one per core of that
    /// host) or 1...4096.
    public var workers: WorkerCount
    /// yaml `slots`: tasks each of this host's workers runs at once. Default `auto`: one per core of that host.
    /// Allowed: `auto` or 1...4096.
    public var slots: WorkerCount
    /// yaml `env`: environment variables for command jobs on this host, added to the file's top-level `env:`
    /// (``ClusterConfiguration/environment``) and overriding it name by name; ``effectiveEnvironment(global:)``
    /// gives the combination. Default: none. Names match `[A-Za-z_][A-Za-z0-9_]*`; values are text as written,
    /// without control characters other than tab, at most ``ClusterConfiguration/maximumEnvironmentValueBytes``
    /// bytes; at most ``ClusterConfiguration/maximumEnvironmentVariables`` of them.
    public var environment: [String: String]
    /// yaml `workdir`: the directory command jobs run in on this host (`fanout exec`). Default `null`: the
    /// directory the worker starts in (the login's home directory over SSH). Kept as written (no control
    /// characters, at most 4,096 characters); the consumer expands `~`, and a relative path is relative to where the
    /// worker starts.
    public var workingDirectory: String?

    /// Creates host settings.
    /// - Parameters:
    ///   - address: Host name or IP address.
    ///   - port: The SSH port.
    ///   - user: Login name overriding `ssh.user`, or `nil`.
    ///   - identity: Private key overriding `ssh.identity`, or `nil`.
    ///   - workers: Worker processes on this host.
    ///   - slots: Tasks each worker runs at once.
    ///   - environment: Variables for command jobs on this host, overriding the global ones.
    ///   - workingDirectory: The directory command jobs run in, or `nil` for where the worker starts.
    public init(
        address: String,
        port: Int = 22,
        user: String? = nil,
        identity: String? = nil,
        workers: WorkerCount = .count(1),
        slots: WorkerCount = .auto,
        environment: [String: String] = [:],
        workingDirectory: String? = nil
    ) {
        self.address = address
        self.port = port
        self.user = user
        self.identity = identity
        self.workers = workers
        self.slots = slots
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The login name to use: this host's ``user`` if set, otherwise the `ssh:` default.
    /// - Parameter ssh: The cluster-wide SSH settings.
    /// - Returns: The login name, or `nil` for the local user name.
    public func effectiveUser(ssh: SSHSettings) -> String? {
        user ?? ssh.user
    }

    /// The private key to use: this host's ``identity`` if set, otherwise the `ssh:` default.
    /// - Parameter ssh: The cluster-wide SSH settings.
    /// - Returns: The key path as written, or `nil` for the agent and default keys.
    public func effectiveIdentity(ssh: SSHSettings) -> String? {
        identity ?? ssh.identity
    }

    /// The variables command jobs get on this host: `global` with this host's ``environment`` set over it.
    /// - Parameter global: The file's top-level `env:` (``ClusterConfiguration/environment``).
    /// - Returns: Every variable to set, this host's value winning where both name one.
    public func effectiveEnvironment(global: [String: String]) -> [String: String] {
        global.merging(environment) { _, hostValue in hostValue }
    }
}
