/// One remote machine reached over SSH, an entry of the `hosts:` list.
public struct HostSettings: Sendable, Equatable {
    /// yaml `address`: host name or IP address to connect to. Required: ASCII letters, digits, `.`, `-`, `_`, `:`
    /// and `%`, not starting with `-` (so it can reach no shell and pose as no option).
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

    /// Creates host settings.
    /// - Parameters:
    ///   - address: Host name or IP address.
    ///   - port: The SSH port.
    ///   - user: Login name overriding `ssh.user`, or `nil`.
    ///   - identity: Private key overriding `ssh.identity`, or `nil`.
    ///   - workers: Worker processes on this host.
    ///   - slots: Tasks each worker runs at once.
    public init(
        address: String,
        port: Int = 22,
        user: String? = nil,
        identity: String? = nil,
        workers: WorkerCount = .count(1),
        slots: WorkerCount = .auto
    ) {
        self.address = address
        self.port = port
        self.user = user
        self.identity = identity
        self.workers = workers
        self.slots = slots
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
}
