import FanoutConfiguration
import FanoutJobs
import FanoutProtocol
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A running set of workers and the scheduler that feeds them. Obtain one with ``withCluster(_:_:)``.
///
/// ```swift
/// try await Cluster.withCluster(options) { cluster in
///     for try await result in cluster.map(Primes.self, ranges) {
///         print(result.index, result.output ?? 0)
///     }
/// }
/// ```
public final class Cluster: Sendable {
    private let scheduler: Scheduler
    private let registry: JobRegistry
    /// The port workers connect to.
    public let port: Int
    /// How workers reach this cluster: TLS with the fingerprint of this run's certificate, or plain TCP.
    public let channelSecurity: ChannelSecurity
    /// Live per-worker figures.
    public var statistics: ClusterStatistics { self.scheduler.statistics }

    private init(scheduler: Scheduler, registry: JobRegistry, port: Int, channelSecurity: ChannelSecurity) {
        self.scheduler = scheduler
        self.registry = registry
        self.port = port
        self.channelSecurity = channelSecurity
    }

    /// Starts the listener, the scheduler and the launchers, runs `body`, then stops every worker.
    ///
    /// When `body` returns or throws, or the task is cancelled, workers get `shutdown`, their processes are
    /// stopped and waited for: nothing is left running.
    /// - Parameters:
    ///   - options: What to start.
    ///   - body: Uses the cluster.
    /// - Returns: What `body` returns.
    /// - Throws: ``ClusterError`` when the coordinator cannot listen (or, with `transport: tls`, cannot make its
    ///   certificate); whatever `body` throws.
    public static func withCluster<Result: Sendable>(
        _ options: ClusterOptions,
        _ body: @Sendable (Cluster) async throws -> Result
    ) async throws -> Result {
        let logger = options.logger
        let configuration = options.configuration
        let secret = RunSecret.random()
        // ssh-tunnel: SSH encrypts the remote hops and the listener is on loopback (the configuration insists).
        let identity = configuration.transport == .tls ? try EphemeralTLSIdentity.make() : nil
        let channelSecurity = identity.map { ChannelSecurity.tls(pinnedFingerprint: $0.fingerprint) } ?? .plain
        let (listenHost, listenPort) = Self.split(configuration.coordinator.listen, defaultPort: 0)
        var launchers = options.extraLaunchers
        let localCount = options.resolvedLocalWorkers
        var expectedDigests: Set<String> = []
        let scheduler = Scheduler(settings: options.schedulerSettings, logger: logger)
        let remoteHosts = RemoteHost.all(in: configuration)
        if !remoteHosts.isEmpty {
            if ["127.0.0.1", "localhost", "::1"].contains(listenHost), configuration.coordinator.advertise == nil,
                configuration.transport != .sshTunnel
            {
                throw ClusterError(
                    .listenFailed,
                    "coordinator.listen is \(configuration.coordinator.listen) but hosts are configured: remote "
                        + "workers could not connect back; listen on an address they can reach (e.g. 0.0.0.0:0) "
                        + "or set coordinator.advertise, or use transport: ssh-tunnel"
                )
            }
            let binary = try WorkerBinary.locate(configured: configuration.ssh.workerBinary)
            expectedDigests.insert(binary.digest)
            let statistics = scheduler.statistics
            var sshLauncher = SSHLauncher(
                hosts: remoteHosts,
                binary: binary,
                maxParallel: configuration.ssh.maxParallel,
                requireAllHosts: configuration.ssh.requireAllHosts,
                logger: logger,
                reports: { statistics.record($0) },
                progress: options.uploadProgress
            )
            sshLauncher.tunnel = configuration.transport == .sshTunnel
            launchers.append(sshLauncher)
        }
        if let slurm = try Self.slurmLauncher(options, listenHost: listenHost) {
            expectedDigests.insert(slurm.digest)
            launchers.append(slurm.launcher)
        }
        if localCount > 0 {
            let hint = try Self.digestHint(of: options.workerExecutable)
            expectedDigests.insert(hint.digest)
            var launcher = LocalProcessLauncher(
                count: localCount,
                slots: options.resolvedLocalSlots,
                executable: options.workerExecutable,
                logger: logger
            )
            launcher.digestHint = hint.fileIdentity.isEmpty ? nil : hint
            launchers.append(launcher)
        }
        let listener = try await WorkerListener.bind(
            host: listenHost,
            port: listenPort,
            settings: WorkerListener.Settings(
                secret: secret,
                expectedDigests: expectedDigests,
                maximumFrameBytes: configuration.limits.maxFrameBytes,
                handshakeTimeout: ConfigurationDuration.duration(seconds: configuration.limits.handshakeTimeout),
                heartbeatInterval: ConfigurationDuration.duration(seconds: configuration.scheduling.heartbeatInterval),
                heartbeatTimeout: ConfigurationDuration.duration(seconds: configuration.scheduling.heartbeatTimeout),
                taskTimeout: configuration.scheduling.taskTimeout.map(ConfigurationDuration.duration(seconds:)),
                maxPendingConnections: configuration.limits.maxPendingConnections,
                tlsContext: identity?.serverContext
            ),
            scheduler: scheduler,
            logger: logger,
            group: MultiThreadedEventLoopGroup.singleton
        )
        let advertised = configuration.coordinator.advertise.map { Self.split($0, defaultPort: listener.port) }
        let dialHost = advertised?.0 ?? (listenHost == "0.0.0.0" || listenHost == "::" ? "127.0.0.1" : listenHost)
        let dialPort = advertised?.1 ?? listener.port
        var context = LaunchContext(
            coordinatorHost: dialHost,
            coordinatorPort: dialPort,
            secret: secret,
            channelSecurity: channelSecurity,
            maximumFrameBytes: configuration.limits.maxFrameBytes,
            ended: { scheduler.post(.launchEnded(launchID: $0, reason: $1)) },
            announce: { scheduler.post(.launchStarted(launchID: $0)) },
            fail: { scheduler.post(.fatal($0)) }
        )
        context.admissions = listener.admissions
        let cluster = Cluster(
            scheduler: scheduler,
            registry: options.registry,
            port: listener.port,
            channelSecurity: channelSecurity
        )
        let launchersToRun = launchers
        let finalContext = context
        for launcher in launchers {
            for id in launcher.plannedWorkerIDs {
                scheduler.post(.launchStarted(launchID: id))
            }
        }
        if launchersToRun.isEmpty {
            // Nothing will ever join: let a run fail at once with a clear reason instead of waiting.
            logger.warning("no workers configured (local.workers is 0 and no hosts are listed)")
        }

        // Services stop in reverse order: the body first (its runs end with what they have), then the launchers
        // (every worker gets `shutdown`, then what still runs is torn down), the listener, the scheduler. A graceful
        // shutdown of an enclosing service group (e.g. on Ctrl-C, see ``SignalShutdown``) reaches this one too.
        // The group holds the body only while it runs, inside this call.
        return try await withoutActuallyEscaping(body) { body in
            let bodyService = OperationService(name: "body", cancelsOnGracefulShutdown: true) {
                try await body(cluster)
            }
            let serviceGroup = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [
                        .init(service: SchedulerService(scheduler: scheduler)),
                        .init(service: ListenerService(listener: listener)),
                        .init(
                            service: WorkerLaunchService(
                                launchers: launchersToRun,
                                context: finalContext,
                                scheduler: scheduler
                            ),
                            successTerminationBehavior: .ignore
                        ),
                        .init(service: bodyService, successTerminationBehavior: .gracefullyShutdownGroup),
                    ],
                    logger: logger
                )
            )
            let groupError: (any Error)?
            do {
                try await serviceGroup.run()
                groupError = nil
            } catch {
                groupError = error
            }
            if let result = bodyService.result { return try result.get() }
            throw groupError ?? CancellationError()
        }
    }

    /// Waits until at least `count` workers have joined, for callers that want to time the computation apart from
    /// start-up, or to be sure every worker takes part.
    /// - Parameters:
    ///   - count: How many workers to wait for.
    ///   - timeout: How long to wait at most.
    /// - Throws: ``ClusterError`` with code `noWorkers` when fewer joined in time, naming how many did.
    public func waitForWorkers(_ count: Int, timeout: Duration = .seconds(30)) async throws {
        guard try await self.scheduler.wait(until: .workersConnected(count), timeout: timeout) else {
            throw ClusterError(
                .noWorkers,
                "only \(self.statistics.workers.count) of \(count) workers joined within \(timeout)"
            )
        }
    }

    /// Waits until every worker being started (local processes, SSH hosts) has joined or failed, so that a run
    /// starts with the whole cluster.
    /// - Parameter timeout: How long to wait at most; returns quietly when it passes.
    public func waitForLaunches(timeout: Duration = .seconds(60)) async throws {
        // The wait is answered after the planned launches, posted before it, were registered.
        _ = try await self.scheduler.wait(until: .launchesSettled, timeout: timeout)
    }

    /// Runs `job` once per input on the cluster's workers.
    ///
    /// Inputs are pulled lazily, as workers have room, so an input sequence may be far larger than memory; results
    /// arrive as tasks finish (or in input order with `ordered`). Every input yields exactly one result.
    /// - Parameters:
    ///   - job: The job type; it must be in the cluster's registry.
    ///   - inputs: The inputs. Iterated from the scheduler's task, one element at a time.
    ///   - ordered: Deliver results in input order instead of completion order.
    ///   - journal: Record each finished task here, and replay the results it already holds instead of running
    ///     those inputs again (see ``RunJournal``). Close it when the run has ended.
    ///   - retries: Run a task again, up to this many times, when `retryWhen` says so of its output. A retry goes
    ///     to a worker on another host than the ones that produced the rejected outputs whenever one can take it.
    ///   - retryWhen: Decides from a task's output whether it must run again (e.g. a program's non-zero exit).
    /// - Returns: An async sequence of results; iterating it starts the run.
    public func map<J: Job, Inputs: Sequence>(
        _ job: J.Type,
        _ inputs: Inputs,
        ordered: Bool = false,
        journal: RunJournal? = nil,
        retries: Int = 0,
        retryWhen: (@Sendable (J.Output) -> Bool)? = nil
    ) -> TaskResults<J> where Inputs.Element == J.Input {
        let retryOutput = retryWhen.flatMap { decide -> OutputRetry? in
            guard retries > 0 else { return nil }
            return OutputRetry(maximumRetries: retries) { bytes in
                guard let output = try? PayloadCoder.decode(J.Output.self, from: bytes) else { return false }
                return decide(output)
            }
        }
        var iterator = inputs.makeIterator()
        let box = UncheckedIterator { iterator.next() }
        return TaskResults(
            scheduler: self.scheduler,
            known: self.registry.runner(named: J.name) != nil,
            ordered: ordered,
            journal: journal,
            retryOutput: retryOutput,
            pull: {
                guard let input = box.next() else { return nil }
                do {
                    return .encoded(try PayloadCoder.encode(input))
                } catch {
                    return .unencodable("\(error)")
                }
            }
        )
    }

    static func split(_ address: String, defaultPort: Int) -> (String, Int) {
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            let host = String(address[address.index(after: address.startIndex)..<close])
            let rest = address[address.index(after: close)...]
            return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? defaultPort : defaultPort)
        }
        let parts = address.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, let port = Int(parts[1]) { return (String(parts[0]), port) }
        return (address, defaultPort)
    }

    static func digest(of executable: WorkerExecutable) throws -> String {
        try self.digestHint(of: executable).digest
    }

    static func digestHint(of executable: WorkerExecutable) throws -> DigestHint {
        do {
            return try FileDigestCache.hint(ofFile: executable.path)
        } catch {
            throw ClusterError(
                .workerExecutable,
                "worker executable \(executable.path) is missing or unreadable (build it with "
                    + "`swift build --product fanout-worker`): \(error.message)"
            )
        }
    }
}

/// Lets the scheduler's task pull from a caller's iterator. Only one task ever calls `next()`, one call at a time.
private final class UncheckedIterator<Element>: @unchecked Sendable {
    private let nextElement: () -> Element?
    init(_ nextElement: @escaping () -> Element?) { self.nextElement = nextElement }
    func next() -> Element? { self.nextElement() }
}
