import FanoutConfiguration
import FanoutProtocol
import FanoutSSH
import Logging

/// Starts workers on remote hosts over SSH: preflight and deploy each host (bounded in parallel), then exec the
/// worker with the coordinator's advertised address; the run secret and the TLS fingerprint to pin go through the
/// channel's standard input.
///
/// A remote worker exits when its SSH channel closes (its standard input ends) or its TCP connection to the
/// coordinator closes, so no worker outlives the run. A host that fails a check is reported with the reason, and
/// the run goes on with the others (unless `ssh.require_all_hosts`). A worker that dies mid-run (killed, crashed,
/// its connection lost, or exited to stop a task past `scheduling.task_timeout`) is replaced on the same host under
/// a new id (`h1-2` by `h1-2.2`), at most ``maximumRestarts`` times; one that cannot even start is not.
///
/// With `transport: ssh-tunnel` (``tunnel``) the worker does not dial the coordinator: it runs with `--stdio` and
/// speaks the protocol on its SSH channel, which the launcher relays to the coordinator's listener on loopback.
public struct SSHLauncher: WorkerLauncher {
    /// The hosts.
    public var hosts: [RemoteHost]
    /// The binary to run there.
    public var binary: WorkerBinary
    /// Hosts prepared and connections opened at once (`ssh.max_parallel`).
    public var maxParallel: Int
    /// Fail the run when any host is unusable.
    public var requireAllHosts: Bool
    /// Where per-host reports go.
    public var reports: @Sendable (HostReport) -> Void
    /// Upload progress: host, bytes sent, total.
    public var progress: @Sendable (String, Int64, Int64) -> Void
    /// Where remote workers' stderr and launch problems are logged.
    public var logger: Logger
    /// Carry each worker's connection inside its SSH session (`transport: ssh-tunnel`) instead of letting it dial
    /// the coordinator.
    public var tunnel = false
    /// How many times one worker is replaced after it died, so a task that keeps killing workers, or a host that
    /// keeps killing them, cannot make a crash loop.
    public var maximumRestarts = 5

    /// Creates a launcher.
    public init(
        hosts: [RemoteHost],
        binary: WorkerBinary,
        maxParallel: Int,
        requireAllHosts: Bool,
        logger: Logger,
        reports: @escaping @Sendable (HostReport) -> Void,
        progress: @escaping @Sendable (String, Int64, Int64) -> Void = { _, _, _ in }
    ) {
        self.hosts = hosts
        self.binary = binary
        self.maxParallel = maxParallel
        self.requireAllHosts = requireAllHosts
        self.logger = logger
        self.reports = reports
        self.progress = progress
    }

    /// One gate per host: the scheduler waits for each host to launch its workers or fail before it can decide
    /// that no worker will come.
    public var plannedWorkerIDs: [String] { self.hosts.map { "ssh:\($0.label)" } }

    public func run(context: LaunchContext) async {
        for problem in KnownHostsProblems.lines(of: self.hosts) { self.logger.warning("\(problem)") }
        let limiter = ConnectionLimiter(limit: self.maxParallel)
        let preparation = HostPreparation(binary: self.binary, deploy: true, progress: self.progress)
        await withDiscardingTaskGroup { group in
            for host in self.hosts {
                group.addTask {
                    let report = await limiter.withPermit { await preparation.prepare(host) }
                    await self.launch(host: host, report: report, limiter: limiter, context: context)
                }
            }
        }
    }

    private func launch(host: RemoteHost, report: HostReport, limiter: ConnectionLimiter, context: LaunchContext) async
    {
        let gate = "ssh:\(host.label)"
        var report = report
        guard report.usable else {
            self.reports(report)
            if self.requireAllHosts {
                context.fail(
                    "host \(host.label) is not usable and ssh.require_all_hosts is true: \(report.problem ?? "")"
                )
            }
            context.ended(gate, "\(host.label): \(report.problem ?? "unusable")")
            return
        }
        let cores = max(1, report.cores ?? 1)
        let count: Int
        switch host.workers {
        case .auto: count = cores
        case .count(let value): count = value
        }
        let ids = (1...max(count, 1)).map { "\(host.label)-\($0)" }
        for id in ids { context.announce(id) }
        report.workersStarted = ids.count
        self.reports(report)
        context.ended(gate, nil)
        await withDiscardingTaskGroup { group in
            for id in ids {
                group.addTask {
                    await context.runReplacingDeadWorkers(
                        id: id,
                        maximumRestarts: self.maximumRestarts,
                        logger: self.logger
                    ) {
                        await self.runWorker(
                            id: $0,
                            host: host,
                            cores: cores,
                            count: count,
                            limiter: limiter,
                            context: context
                        )
                    }
                }
            }
        }
    }

    /// Whether a worker that ended this way died mid-run (and is worth replacing) rather than stopping as told,
    /// being refused, or failing to start.
    static func died(exitStatus: Int32?, exitSignal: String?) -> Bool {
        // A signal leaves no status: the worker was killed.
        WorkerLaunch.died(exitStatus: exitSignal == nil ? exitStatus : nil)
    }

    private func runWorker(
        id: String,
        host: RemoteHost,
        cores: Int,
        count: Int,
        limiter: ConnectionLimiter,
        context: LaunchContext
    ) async -> (reason: String, died: Bool) {
        let slots: Int
        switch host.slots {
        case .auto: slots = max(1, cores / max(count, 1))
        case .count(let value): slots = value
        }
        // The listener admits this id only, shown as this host, with at most these slots.
        context.expect(workerID: id, hostLabel: host.label, slots: slots)
        let launch = WorkerLaunch(
            endpoint: self.tunnel
                ? .standardIO
                : .connect(host: DialAddress.numeric(context.coordinatorHost), port: context.coordinatorPort),
            slots: slots,
            workerID: id,
            hostLabel: host.label,
            maximumFrameBytes: context.maximumFrameBytes
        )
        // Every word quoted: the advertised address, the id and the label come from configuration, and none of
        // them may become shell code on the host.
        let command = RemoteCommand(["exec", "./\(self.binary.remotePath)"] + launch.arguments)
        let launchLines = context.standardInputLines
        let logger = self.logger
        let tunnel = self.tunnel
        var permitHeld = true
        var started = false
        await limiter.acquire()
        do {
            let result = try await SSHSession.withSession(host.target) { session in
                // Authenticated: the connection no longer counts against MaxStartups.
                limiter.release()
                permitHeld = false
                started = true
                // The host writes these lines: escaped, so they cannot move the cursor or forge log lines.
                let onLine: @Sendable (String) -> Void = { line in
                    logger.warning("[\(id)] \(UntrustedText.forTerminal(line))")
                }
                if tunnel {
                    return try await session.runRelayed(
                        command,
                        standardInput: launchLines,
                        localHost: context.coordinatorHost,
                        localPort: context.coordinatorPort,
                        onStandardErrorLine: onLine
                    )
                }
                return try await session.runStreaming(command, standardInput: launchLines, onStandardErrorLine: onLine)
            }
            let status = result.exitStatus.map(String.init) ?? "none"
            let signal = result.exitSignal.map { ", signal \($0)" } ?? ""
            return (
                "remote worker exited (status \(status)\(signal))",
                Self.died(exitStatus: result.exitStatus, exitSignal: result.exitSignal)
            )
        } catch is CancellationError {
            if permitHeld { limiter.release() }
            return ("stopped", false)
        } catch {
            if permitHeld { limiter.release() }
            // Lost mid-run (the session broke under a running worker): replace it. A worker that could not even
            // start is not retried: the host check would fail the same way.
            if started, let error = error as? SSHError, error.code != .relayFailed {
                return ("lost the SSH session to \(host.label): \(error)", true)
            }
            return ("cannot start worker on \(host.label): \(error)", false)
        }
    }
}
