import FanoutConfiguration
import FanoutJobs
import Logging
import NIOCore
import NIOPosix

/// Everything needed to bring a cluster up: the parsed `cluster.yaml`, the jobs, the worker program, overrides.
public struct ClusterOptions: Sendable {
    /// The parsed configuration.
    public var configuration: ClusterConfiguration
    /// The jobs coordinator and workers know.
    public var registry: JobRegistry
    /// The program started as a local worker.
    public var workerExecutable: WorkerExecutable
    /// Overrides `local.workers` (the CLI's `--workers`).
    public var localWorkers: Int?
    /// Extra launchers (SSH hosts, tests).
    public var extraLaunchers: [any WorkerLauncher]
    /// Where the coordinator logs.
    public var logger: Logger
    /// Worker binary upload progress: host, bytes sent, total bytes.
    public var uploadProgress: @Sendable (String, Int64, Int64) -> Void = { _, _, _ in }

    /// Bytes of results the coordinator holds for the caller before it stops handing out tasks (the hand-off,
    /// and with `ordered` the reorder buffer); `nil` for the default, 64 MiB.
    public var resultBufferBytes: Int?

    /// Creates options.
    public init(
        configuration: ClusterConfiguration = ClusterConfiguration(),
        registry: JobRegistry = .builtin,
        workerExecutable: WorkerExecutable = .besideCurrentExecutable(),
        localWorkers: Int? = nil,
        extraLaunchers: [any WorkerLauncher] = [],
        logger: Logger = Logger(label: "fanout")
    ) {
        self.configuration = configuration
        self.registry = registry
        self.workerExecutable = workerExecutable
        self.localWorkers = localWorkers
        self.extraLaunchers = extraLaunchers
        self.logger = logger
    }

    /// The number of local worker processes this configuration asks for.
    public var resolvedLocalWorkers: Int {
        if let localWorkers { return localWorkers }
        switch self.configuration.local.workers {
        case .auto: return System.coreCount
        case .count(let count): return count
        }
    }

    /// Tasks per local worker.
    public var resolvedLocalSlots: Int {
        switch self.configuration.local.slots {
        case .auto: return System.coreCount
        case .count(let count): return max(1, count)
        }
    }

    /// SHA-256 of every worker program this configuration runs jobs with: the local worker executable when local
    /// workers are asked for or `slurm:` runs it on the nodes, the remote worker binary when hosts are listed. Sorted.
    /// A journal records them, so a run is never resumed with results computed by other code.
    /// - Throws: ``ClusterError`` with code `workerExecutable` when a program is missing or unreadable.
    public func workerDigests() throws -> [String] {
        var digests: Set<String> = []
        if !RemoteHost.all(in: self.configuration).isEmpty {
            digests.insert(try WorkerBinary.locate(configured: self.configuration.ssh.workerBinary).digest)
        }
        if self.resolvedLocalWorkers > 0 || self.configuration.slurm != nil {
            digests.insert(try Cluster.digest(of: self.workerExecutable))
        }
        return digests.sorted()
    }

    var schedulerSettings: SchedulerSettings {
        SchedulerSettings(
            scheduling: self.configuration.scheduling,
            limits: self.configuration.limits,
            resultBufferBytes: self.resultBufferBytes
        )
    }
}
