import FanoutJobs
import FanoutProtocol

/// Everything a worker needs to join a coordinator.
public struct WorkerConfiguration: Sendable {
    /// The coordinator's host name or address.
    public var coordinatorHost: String
    /// The coordinator's TCP port.
    public var coordinatorPort: Int
    /// The run secret, read from standard input by the worker executable.
    public var secret: RunSecret
    /// TLS pinned to the coordinator's certificate fingerprint, or plain TCP; read from standard input (second
    /// line) by the worker executable.
    public var channelSecurity: ChannelSecurity
    /// Tasks run at once. Defaults to the host's cores.
    public var slots: Int
    /// The id the coordinator gave this worker when launching it (empty if it was started by hand).
    public var workerID: String
    /// The host name announced to the coordinator; defaults to `gethostname()`. Launchers pass the name the user
    /// wrote in `cluster.yaml`, so results and tables use it.
    public var hostName: String
    /// The jobs this worker can run.
    public var registry: JobRegistry
    /// SHA-256 of the worker's executable, announced in the hello.
    public var binaryDigest: String
    /// The largest inbound frame accepted, in bytes.
    public var maximumFrameBytes: Int
    /// Seconds allowed for the TCP connect and the handshake together.
    public var connectTimeoutSeconds: Double
    /// Speak the protocol on standard input and output instead of dialling ``coordinatorHost``
    /// (`transport: ssh-tunnel`: the worker's SSH channel carries the connection and the coordinator relays it).
    /// Standard input and output must then be pipes or sockets; the worker moves them out of the way first, so
    /// nothing a job prints can reach the protocol stream.
    public var overStandardIO: Bool = false

    /// Creates a configuration.
    public init(
        coordinatorHost: String,
        coordinatorPort: Int,
        secret: RunSecret,
        channelSecurity: ChannelSecurity,
        slots: Int,
        workerID: String = "",
        hostName: String? = nil,
        registry: JobRegistry = .builtin,
        binaryDigest: String = BinaryDigest.ofCurrentExecutable(),
        maximumFrameBytes: Int = ProtocolConstants.defaultMaximumFrameBytes,
        connectTimeoutSeconds: Double = 10
    ) {
        self.coordinatorHost = coordinatorHost
        self.coordinatorPort = coordinatorPort
        self.secret = secret
        self.channelSecurity = channelSecurity
        self.slots = max(1, slots)
        self.workerID = workerID
        self.hostName = hostName ?? Worker.hostName()
        self.registry = registry
        self.binaryDigest = binaryDigest
        self.maximumFrameBytes = maximumFrameBytes
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }
}
