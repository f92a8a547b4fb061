/// The whole of `cluster.yaml`: where the coordinator listens, which workers to start and how to schedule.
///
/// ``init()`` gives the defaults, which run one worker per local core and no remote hosts. Load a file with
/// ``load(path:)`` or text with ``parse(_:path:)``; both validate every field and report problems as a
/// ``ConfigurationError`` pointing at the line and column.
///
/// Paths such as `ssh.known_hosts` are kept as written; the consumer expands `~`.
public struct ClusterConfiguration: Sendable, Equatable {
    /// yaml `transport:`: `tls` (default) or `plain`, how coordinator and workers talk.
    public var transport: Transport
    /// yaml `coordinator:`: listen and advertise addresses.
    public var coordinator: CoordinatorSettings
    /// yaml `local:`: worker processes on this machine.
    public var local: LocalSettings
    /// yaml `ssh:`: defaults for every remote host.
    public var ssh: SSHSettings
    /// yaml `hosts:`: remote machines reached over SSH, one element per host: an entry whose address is a range
    /// (`node[1-16]`) is expanded here, in order. At most ``maximumHosts``. Default: empty.
    public var hosts: [HostSettings]
    /// yaml `env:`: environment variables for command jobs on every worker, local or remote; a host's own `env:`
    /// overrides them name by name (``HostSettings/effectiveEnvironment(global:)``). Default: none. The rules for
    /// names and values are those of ``HostSettings/environment``.
    public var environment: [String: String]
    /// yaml `scheduling:`: prefetch, retries, batching and heartbeats.
    public var scheduling: SchedulingSettings
    /// yaml `limits:`: frame size and handshake limits.
    public var limits: LimitSettings
    /// yaml `slurm:`: workers started by `srun` on the nodes of a Slurm allocation. Default `nil`: no Slurm.
    /// Excludes `hosts:`.
    public var slurm: SlurmSettings?

    /// The largest configuration file accepted, in bytes (1 MiB); a real cluster file is a few kilobytes.
    public static let maximumFileBytes = 1_048_576
    /// The most hosts one file may list, counting every name a range expands to: 4,096. Far more than a lab
    /// holds, and small enough that a typo such as `node[1-1000000]` is refused instead of starting a million
    /// SSH sessions.
    public static let maximumHosts = NodeSet.defaultMaximumCount
    /// The most variables one `env:` mapping may set: 256.
    public static let maximumEnvironmentVariables = 256
    /// The longest environment variable name, in characters: 255.
    public static let maximumEnvironmentNameLength = 255
    /// The longest environment variable value, in bytes of UTF-8: 32 KiB, well within the 128 KiB Linux allows
    /// for one `NAME=value` string.
    public static let maximumEnvironmentValueBytes = 32_768

    /// Creates the default configuration: local cores only.
    public init() {
        self.init(
            coordinator: CoordinatorSettings(),
            local: LocalSettings(),
            ssh: SSHSettings(),
            hosts: [],
            scheduling: SchedulingSettings(),
            limits: LimitSettings(),
            transport: .tls,
            environment: [:],
            slurm: nil
        )
    }

    /// Creates a configuration from its sections.
    /// - Parameters:
    ///   - coordinator: Listen and advertise addresses.
    ///   - local: Local worker processes.
    ///   - ssh: Defaults for remote hosts.
    ///   - hosts: Remote machines.
    ///   - scheduling: Scheduling settings.
    ///   - limits: Wire limits.
    ///   - transport: TLS (the default) or plain TCP between coordinator and workers.
    ///   - environment: Variables for command jobs on every worker.
    ///   - slurm: Workers started by Slurm, or `nil`.
    public init(
        coordinator: CoordinatorSettings = CoordinatorSettings(),
        local: LocalSettings = LocalSettings(),
        ssh: SSHSettings = SSHSettings(),
        hosts: [HostSettings] = [],
        scheduling: SchedulingSettings = SchedulingSettings(),
        limits: LimitSettings = LimitSettings(),
        transport: Transport = .tls,
        environment: [String: String] = [:],
        slurm: SlurmSettings? = nil
    ) {
        self.coordinator = coordinator
        self.local = local
        self.ssh = ssh
        self.hosts = hosts
        self.scheduling = scheduling
        self.limits = limits
        self.transport = transport
        self.environment = environment
        self.slurm = slurm
    }
}
