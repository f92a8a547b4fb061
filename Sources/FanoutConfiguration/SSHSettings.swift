/// Defaults for every SSH host, from the `ssh:` section; a host's own fields override them.
public struct SSHSettings: Sendable, Equatable {
    /// yaml `user`: the login name on remote hosts. Default `null`: the local user name. Allowed: ASCII letters,
    /// digits, `.`, `_`, `-`, `@` and a final `$`, not starting with `-`.
    public var user: String?
    /// yaml `identity`: path of the private key to authenticate with. Default `null`: the SSH agent, then the usual
    /// `~/.ssh/id_*` keys. Kept as written; the consumer expands `~`.
    public var identity: String?
    /// yaml `known_hosts`: the known-hosts file used to verify host keys. Default `~/.ssh/known_hosts`. Kept as
    /// written; the consumer expands `~`.
    public var knownHosts: String
    /// yaml `connect_timeout`: seconds to wait for the TCP connection and SSH handshake. Default `10`.
    /// Allowed: 0.001...86400. Convert with ``ConfigurationDuration/duration(seconds:)``.
    public var connectTimeout: Double
    /// yaml `require_all_hosts`: when `true`, a run fails if any host cannot be used; when `false` (the default) the
    /// run goes on with the hosts that work and the per-host table says why the others were left out.
    public var requireAllHosts: Bool = false
    /// yaml `max_parallel`: hosts checked, deployed to and launched at once. Default `8`, below OpenSSH's
    /// `MaxStartups` of 10 unauthenticated connections. Allowed: 1 to 64.
    public var maxParallel: Int = 8
    /// yaml `worker_binary`: the worker executable copied to hosts (static Swift stdlib). Default `null`:
    /// `fanout-worker` built by `deploy/build-worker.sh`, looked up next to `fanout`. Kept as written.
    public var workerBinary: String?

    /// Creates SSH settings.
    /// - Parameters:
    ///   - user: The default login name, or `nil` for the local user name.
    ///   - identity: The default private key path, or `nil` for the agent and default keys.
    ///   - knownHosts: The known-hosts file path.
    ///   - connectTimeout: Seconds to wait for a connection.
    public init(
        user: String? = nil,
        identity: String? = nil,
        knownHosts: String = "~/.ssh/known_hosts",
        connectTimeout: Double = 10
    ) {
        self.user = user
        self.identity = identity
        self.knownHosts = knownHosts
        self.connectTimeout = connectTimeout
    }
}
