/// Where and as whom to connect over SSH, and how long to wait.
public struct SSHTarget: Sendable, Equatable {
    /// The host name or IP address to connect to.
    public var host: String
    /// The TCP port of the SSH server.
    public var port: Int = 22
    /// The remote user to log in as.
    public var user: String
    /// Private key files tried in order after the agent; a leading `~` is expanded to `$HOME`.
    public var identityFiles: [String]
    /// Whether to try the keys of the agent at `SSH_AUTH_SOCK` first.
    public var useAgent: Bool = true
    /// The OpenSSH `known_hosts` file used to verify the host key; a leading `~` is expanded to `$HOME`.
    public var knownHostsPath: String
    /// How long the TCP connect and the SSH handshake may take together; authentication gets as long again.
    public var connectTimeout: Duration = .seconds(10)
    /// How often a keepalive is sent while waiting for a long-running command.
    public var keepaliveInterval: Duration = .seconds(5)

    /// Creates a target.
    ///
    /// - Parameters:
    ///   - host: The host name or IP address.
    ///   - port: The TCP port of the SSH server.
    ///   - user: The remote user.
    ///   - identityFiles: Private key files tried in order after the agent.
    ///   - useAgent: Whether to try the agent at `SSH_AUTH_SOCK` first.
    ///   - knownHostsPath: The OpenSSH `known_hosts` file.
    ///   - connectTimeout: How long the TCP connect and the SSH handshake may take together.
    ///   - keepaliveInterval: How often a keepalive is sent during long-running commands.
    public init(
        host: String,
        port: Int = 22,
        user: String,
        identityFiles: [String] = ["~/.ssh/id_ed25519", "~/.ssh/id_ecdsa"],
        useAgent: Bool = true,
        knownHostsPath: String = "~/.ssh/known_hosts",
        connectTimeout: Duration = .seconds(10),
        keepaliveInterval: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.identityFiles = identityFiles
        self.useAgent = useAgent
        self.knownHostsPath = knownHostsPath
        self.connectTimeout = connectTimeout
        self.keepaliveInterval = keepaliveInterval
    }

    /// `host:port`, or `[host]:port` for IPv6 literals, as used in messages.
    var endpointDescription: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}
