/// Where, when and with what a report's figures were taken, so a reader can judge and repeat them.
public struct Provenance: Codable, Sendable, Equatable {
    /// UTC date and time the run started, ISO 8601.
    public var date: String
    /// The full command line, program first.
    public var commandLine: [String]
    /// Every machine that took part: this one first, then the remote hosts.
    public var hosts: [HostInfo]
    /// This machine's 1, 5 and 15 minute load averages before the first measurement.
    public var loadBefore: [Double]
    /// The same after the last measurement.
    public var loadAfter: [Double]
    /// SHA-256 of the local `fanout-worker` executable.
    public var workerBinarySHA256: String?
    /// SHA-256 of the worker binary copied to remote hosts, when hosts were used.
    public var remoteWorkerBinarySHA256: String?
    /// The cluster file used, if any.
    public var configPath: String?
    /// SHA-256 of that file's bytes.
    public var configSHA256: String?
    /// Whether `fanout` was built for release (timings of a debug build are not representative).
    public var optimized: Bool

    /// Creates provenance.
    public init(
        date: String,
        commandLine: [String],
        hosts: [HostInfo],
        loadBefore: [Double],
        loadAfter: [Double] = [],
        workerBinarySHA256: String? = nil,
        remoteWorkerBinarySHA256: String? = nil,
        configPath: String? = nil,
        configSHA256: String? = nil,
        optimized: Bool
    ) {
        self.date = date
        self.commandLine = commandLine
        self.hosts = hosts
        self.loadBefore = loadBefore
        self.loadAfter = loadAfter
        self.workerBinarySHA256 = workerBinarySHA256
        self.remoteWorkerBinarySHA256 = remoteWorkerBinarySHA256
        self.configPath = configPath
        self.configSHA256 = configSHA256
        self.optimized = optimized
    }
}
