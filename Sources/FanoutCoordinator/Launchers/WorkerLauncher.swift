import FanoutProtocol
import Logging

/// Starts workers somewhere and keeps them running until the cluster shuts down (the task is cancelled).
///
/// Launchers are pluggable: local processes now; SSH hosts plug in the same way. A launcher reports each worker it
/// starts and each one that ends through the ``LaunchContext``, so the scheduler knows when no worker can come.
///
/// A launcher must register each worker with ``LaunchContext/expect(workerID:hostLabel:slots:)`` before starting
/// it: the listener admits only registered workers (a worker host may be compromised and claim any id, host name
/// or slot count), under the registered host label, with at most the registered slots.
public protocol WorkerLauncher: Sendable {
    /// The ids of the workers this launcher will start, known before it starts them, so the scheduler waits for
    /// each to join or fail before it declares that no worker is available.
    var plannedWorkerIDs: [String] { get }

    /// Starts workers and returns when they have all ended or the task is cancelled.
    /// - Parameter context: Where workers must connect, with what secret, and where to report.
    func run(context: LaunchContext) async
}

/// What a launcher needs from the coordinator.
public struct LaunchContext: Sendable {
    /// The address workers dial.
    public var coordinatorHost: String
    /// The port workers dial.
    public var coordinatorPort: Int
    /// The run secret, to hand to each worker on its standard input.
    public var secret: RunSecret
    /// TLS with the certificate fingerprint workers must pin, or plain TCP; handed to each worker on the second
    /// line of its standard input, through the same channel as the secret.
    public var channelSecurity: ChannelSecurity
    /// The largest frame either side accepts.
    public var maximumFrameBytes: Int
    /// Call when a worker process ended or could not start, with the reason; `nil` when a planned id was only a
    /// placeholder that has been replaced by announced workers (no failure to report).
    public var ended: @Sendable (_ workerID: String, _ reason: String?) -> Void
    /// Call before starting a worker that was not in ``WorkerLauncher/plannedWorkerIDs`` (e.g. one per remote
    /// core, known only after preflight), before ending the gate it replaces.
    public var announce: @Sendable (_ workerID: String) -> Void
    /// Call when the run must fail (e.g. `ssh.require_all_hosts` and a host is unusable).
    public var fail: @Sendable (_ reason: String) -> Void
    /// Whether the cluster is shutting down: a worker that exits now is not replaced.
    public var isClosing: @Sendable () -> Bool = { false }
    /// The workers the coordinator admits. A launcher registers each worker here before starting it (see
    /// ``expect(workerID:hostLabel:slots:)``); a worker it did not register is refused at the handshake.
    public var admissions = WorkerAdmissions()

    /// Registers a worker about to be started, so that the listener admits it: only under this id, shown on this
    /// host label, with at most this many slots whatever its hello claims (a compromised host may lie).
    /// - Parameters:
    ///   - workerID: The `--id` given to the worker, or `nil` when it is started without one (it joins as
    ///     `worker-N`).
    ///   - hostLabel: The host as the coordinator names it (`local` host name, a host's `label`).
    ///   - slots: The slots granted: `local.slots`, a host's `slots`, or its cores from preflight.
    public func expect(workerID: String?, hostLabel: String, slots: Int) {
        self.admissions.expect(workerID: workerID, hostLabel: hostLabel, slots: slots)
    }

    /// What a launcher writes to each worker's standard input: the secret, then the channel security, one line each
    /// (see ``WorkerLaunch/StandardInput``). The worker reads exactly these two lines and then watches for end of
    /// file.
    public var standardInputLines: [UInt8] {
        WorkerLaunch.StandardInput(secret: self.secret, channelSecurity: self.channelSecurity).bytes
    }
}

extension LaunchContext {
    /// Runs one worker with `runOne`, and while it keeps dying mid-run, runs a replacement under a new id (`w` by
    /// `w.2`, `w.3`, …), at most `maximumRestarts` times and never once the cluster is closing. Each replacement is
    /// announced before the one it replaces is reported ended, so the scheduler never sees zero workers coming.
    ///
    /// - Parameters:
    ///   - id: The first worker's id.
    ///   - maximumRestarts: How many replacements at most.
    ///   - logger: Where each replacement is logged.
    ///   - runOne: Runs the worker with the given id to its end; returns why it ended and whether it died.
    func runReplacingDeadWorkers(
        id: String,
        maximumRestarts: Int,
        logger: Logger,
        _ runOne: (String) async -> (reason: String, died: Bool)
    ) async {
        var current = id
        var restarts = 0
        while true {
            let (reason, died) = await runOne(current)
            // Its process is gone: nobody may join under its id any more.
            self.admissions.withdraw(workerID: current)
            guard died, restarts < maximumRestarts, !self.isClosing(), !Task.isCancelled else {
                self.ended(current, reason)
                return
            }
            restarts += 1
            let replacement = "\(id).\(restarts + 1)"
            logger.warning("worker \(current) died (\(reason)); starting \(replacement)")
            self.announce(replacement)
            self.ended(current, reason)
            current = replacement
        }
    }
}
