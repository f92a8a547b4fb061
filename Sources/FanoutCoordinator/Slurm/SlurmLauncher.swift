import FanoutConfiguration
import FanoutProtocol
import Logging
import Subprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Starts one worker per node of a Slurm allocation with a single `srun` step.
///
/// Inside an allocation (`SLURM_JOB_ID` set) it uses that allocation's nodes; outside one it asks for one with
/// `salloc --no-shell` (``SlurmAllocationRequest``), and a ``SlurmWatchdog`` cancels that job when the run ends or the
/// coordinator dies. Each node's worker is admitted as `slurm-NODE`, shown as the node, with the CPUs Slurm gave
/// the job there as its slots. The run secret and channel line reach the workers on `srun`'s standard input, which
/// `srun` hands to every task; when the coordinator goes, that input ends and every worker exits.
///
/// A node lost mid-run loses its worker: the scheduler retries its tasks on the others. Workers are not restarted
/// (one step serves every node), and when the step ends (the job cancelled or timed out) every worker has ended.
public struct SlurmLauncher: WorkerLauncher {
    /// The `slurm:` settings.
    public var settings: SlurmSettings
    /// The worker program: nodes share the file system, so the local worker executable runs there as it is.
    public var executable: WorkerExecutable
    /// Its digest as the coordinator computed it, passed on so workers need not hash themselves.
    public var digestHint: DigestHint?
    /// Dial `SLURM_LAUNCH_NODE_IPADDR` (the address of the machine that ran `srun`, as the nodes see it) instead of
    /// ``LaunchContext/coordinatorHost``: for a coordinator listening on every address with nothing advertised.
    public var dialLaunchNodeAddress = false
    /// The process environment, where `SLURM_JOB_ID` says whether the coordinator runs inside an allocation.
    public var environment: [String: String]
    /// Where progress and worker output go.
    public var logger: Logger
    /// How often a progress line is logged while Slurm has not granted the allocation.
    public var progressInterval: Duration = .seconds(5)

    /// The gate the scheduler waits on until the allocation's workers are announced (or it failed).
    static let gate = "slurm"

    /// The script `srun` runs on each node: the worker with the node's own id, label and CPUs. `$0` is the
    /// worker, `$1` the host to dial (empty: `SLURM_LAUNCH_NODE_IPADDR`), `$2` the port, the rest its flags;
    /// values never enter the script.
    static let nodeScript =
        "w=$0; h=${1:-$SLURM_LAUNCH_NODE_IPADDR}; p=$2; shift 2; "
        + "exec \"$w\" \"$@\" --connect \"$h:$p\" --slots \"${SLURM_CPUS_ON_NODE:-1}\" "
        + "--id \"slurm-$SLURMD_NODENAME\" --host-label \"$SLURMD_NODENAME\""

    /// Creates a launcher.
    /// - Parameters:
    ///   - settings: The `slurm:` settings.
    ///   - executable: The worker program.
    ///   - environment: The process environment.
    ///   - logger: Where progress and worker output go.
    public init(
        settings: SlurmSettings,
        executable: WorkerExecutable,
        environment: [String: String],
        logger: Logger
    ) {
        self.settings = settings
        self.executable = executable
        self.environment = environment
        self.logger = logger
    }

    public var plannedWorkerIDs: [String] { [Self.gate] }

    public func run(context: LaunchContext) async {
        var watchdog: SlurmWatchdog?
        let allocation: SlurmAllocation
        do {
            if let current = try SlurmAllocation.current(environment: self.environment) {
                allocation = current
            } else {
                let request = SlurmAllocationRequest(
                    settings: self.settings,
                    jobName: SlurmAllocationRequest.randomJobName()
                )
                watchdog = try await SlurmWatchdog(jobName: request.jobName)
                allocation = try await self.obtain(request)
            }
        } catch {
            watchdog?.release()
            guard !Task.isCancelled else {
                // Stopped while waiting for Slurm: nothing failed.
                context.ended(Self.gate, nil)
                return
            }
            context.fail("slurm: \(error.message)")
            context.ended(Self.gate, "slurm: \(error.message)")
            return
        }
        for node in allocation.nodes {
            context.announce(node.workerID)
            // The listener admits this id only, shown as the node, with at most its CPUs as slots.
            context.expect(workerID: node.workerID, hostLabel: node.name, slots: node.cpus)
        }
        context.ended(Self.gate, nil)
        let reason = await self.runStep(in: allocation, context: context)
        // Cancels the job we obtained (the watchdog's scancel runs on its own, even if this task is cancelled).
        watchdog?.release()
        if !context.isClosing(), !Task.isCancelled {
            // Before the workers are reported ended, so the run stops with this reason rather than "no workers".
            context.fail(
                "the Slurm job step of the workers ended before the run did (job \(allocation.jobID) cancelled, "
                    + "timed out or lost its nodes; \(reason))"
            )
        }
        for node in allocation.nodes {
            context.admissions.withdraw(workerID: node.workerID)
            context.ended(node.workerID, reason)
        }
    }

    /// `srun`'s arguments for a step of one worker per node of `allocation`.
    func srunArguments(in allocation: SlurmAllocation, context: LaunchContext) -> [String] {
        let count = allocation.nodes.count
        var arguments: [String] = []
        if allocation.obtained { arguments.append("--jobid=\(allocation.jobID)") }
        arguments += [
            "--nodes=\(count)", "--ntasks=\(count)", "--ntasks-per-node=1", "--no-kill", "--kill-on-bad-exit=0",
            "--job-name=fanout-workers",
        ]
        arguments += self.settings.srunOptions
        let launch = WorkerLaunch(
            endpoint: .connect(host: context.coordinatorHost, port: context.coordinatorPort),
            maximumFrameBytes: context.maximumFrameBytes,
            digestHint: self.digestHint
        )
        // The endpoint is the script's to write (per node, from $1 and $2).
        let flags = Array(launch.arguments.dropFirst(2))
        let host = self.dialLaunchNodeAddress ? "" : DialAddress.numeric(context.coordinatorHost)
        arguments += ["sh", "-c", Self.nodeScript, self.executable.path, host, "\(context.coordinatorPort)"]
        arguments += self.executable.leadingArguments + flags
        return arguments
    }

    /// Runs the step to its end; returns why it ended.
    private func runStep(in allocation: SlurmAllocation, context: LaunchContext) async -> String {
        var options = PlatformOptions()
        // Its own process group: Ctrl-C reaches the coordinator only, which stops the workers in order.
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
        let launchLines = context.standardInputLines
        let logger = self.logger
        do {
            let result = try await Subprocess.run(
                .name("srun"),
                arguments: Arguments(self.srunArguments(in: allocation, context: context)),
                platformOptions: options,
                input: .inputWriter,
                output: .sequence,
                error: .combinedWithOutput
            ) { execution in
                _ = try await execution.standardInputWriter.write(launchLines)
                // Standard input stays open for the workers' lives: srun hands its end to every task.
                for try await line in execution.standardOutput.strings() {
                    logger.warning("[slurm] \(UntrustedText.forTerminal(line))")
                }
            }
            return "srun exited: \(result.terminationStatus)"
        } catch is CancellationError {
            return "stopped"
        } catch {
            if Task.isCancelled { return "stopped" }
            return "cannot run srun: \(error)"
        }
    }

    /// Asks Slurm for an allocation and waits for it, logging a progress line while it is pending.
    private func obtain(_ request: SlurmAllocationRequest) async throws(SlurmError) -> SlurmAllocation {
        let commands = SlurmCommands()
        let shape =
            "\(request.settings.nodes) node\(request.settings.nodes == 1 ? "" : "s")"
            + (request.settings.partition.map { " in partition '\($0)'" } ?? "")
        let clock = ContinuousClock()
        let started = clock.now
        let interval = self.progressInterval
        let logger = self.logger
        typealias Outcome = Result<SlurmCommands.Output, SlurmError>
        let result: Outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do throws(SlurmError) {
                    return Outcome.success(try await commands.run("salloc", request.sallocArguments))
                } catch {
                    return Outcome.failure(error)
                }
            }
            group.addTask {
                while (try? await Task.sleep(for: interval)) != nil {
                    let waited = (clock.now - started).components.seconds
                    logger.warning("slurm: waiting for \(shape) (job \(request.jobName), \(waited) s so far)")
                }
                return .failure(SlurmError(.allocationFailed, "cancelled"))
            }
            let first = await group.next() ?? .failure(SlurmError(.allocationFailed, "cancelled"))
            group.cancelAll()
            return first
        }
        let output = try result.get()
        let jobID = output.standardError.split(separator: "\n").lazy.compactMap {
            SlurmOutputParser.sallocJobID(String($0))
        }.first
        guard output.succeeded, let jobID else {
            let detail = output.standardError.split(separator: "\n").last.map(String.init) ?? "no output"
            throw SlurmError(.allocationFailed, "salloc could not get \(shape): \(detail)")
        }
        let record = try await commands.output("scontrol", ["show", "job", "-d", "-o", jobID])
        let detail = try SlurmOutputParser.jobDetail(record)
        let waited = clock.now - started
        logger.info("slurm: job \(jobID) granted \(detail.nodes.map(\.name).joined(separator: ",")) after \(waited)")
        return SlurmAllocation(jobID: jobID, nodes: detail.nodes, obtained: true)
    }
}

extension SlurmLauncher {
    /// This process's environment variables.
    public static func processEnvironment() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return variables
    }
}
