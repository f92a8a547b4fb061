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
    /// yaml `hosts:`: remote machines reached over SSH. Default: empty.
    public var hosts: [HostSettings]
    /// yaml `scheduling:`: prefetch, retries, batching and heartbeats.
    public var scheduling: SchedulingSettings
    /// yaml `limits:`: frame size and handshake limits.
    public var limits: LimitSettings

    /// The largest configuration file accepted, in bytes (1 MiB); a real cluster file is a few kilobytes.
    public static let maximumFileBytes = 1_048_576

    /// Creates the default configuration: local cores only.
    public init() {
        self.init(
            coordinator: CoordinatorSettings(),
            local: LocalSettings(),
            ssh: SSHSettings(),
            hosts: [],
            scheduling: SchedulingSettings(),
            limits: LimitSettings(),
            transport: .tls
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
    public init(
        coordinator: CoordinatorSettings = CoordinatorSettings(),
        local: LocalSettings = LocalSettings(),
        ssh: SSHSettings = SSHSettings(),
        hosts: [HostSettings] = [],
        scheduling: SchedulingSettings = SchedulingSettings(),
        limits: LimitSettings = LimitSettings(),
        transport: Transport = .tls
    ) {
        self.coordinator = coordinator
        self.local = local
        self.ssh = ssh
        self.hosts = hosts
        self.scheduling = scheduling
        self.limits = limits
        self.transport = transport
    }
}
