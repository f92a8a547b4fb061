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

/// Starts workers as child processes of the coordinator on this machine.
///
/// Each worker gets the run secret and the channel security (TLS fingerprint or `plain`) as the first two lines of
/// its standard input, which stays open for the worker's life: when the coordinator dies, the pipe closes and the
/// worker exits, as it does when its TCP connection closes.
/// Workers run in their own process group so a Ctrl-C in the terminal reaches the coordinator only, which then
/// stops them in order.
public struct LocalProcessLauncher: WorkerLauncher {
    /// How many worker processes.
    public var count: Int
    /// Tasks each worker runs at once.
    public var slots: Int
    /// The program to start.
    public var executable: WorkerExecutable
    /// Where worker diagnostics go.
    public var logger: Logger

    /// Creates a launcher.
    public init(count: Int, slots: Int, executable: WorkerExecutable, logger: Logger) {
        self.count = count
        self.slots = slots
        self.executable = executable
        self.logger = logger
    }

    /// The executable's digest as the coordinator computed it, passed on so that workers need not hash their own
    /// binary when it is still that file (see ``DigestHint``); `nil` lets each worker hash itself.
    public var digestHint: DigestHint?

    /// How many times one worker is replaced after it died (killed, crashed, or exited to stop a task past
    /// `scheduling.task_timeout`), so a task that keeps killing workers cannot make a crash loop.
    public var maximumRestarts = 5

    /// The host label local workers are shown under: this machine's host name.
    static let hostLabel: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }()

    /// The workers' ids are this, a dash and a number; two launchers in one cluster need different prefixes.
    public var idPrefix = "local"

    public var plannedWorkerIDs: [String] { (0..<max(self.count, 0)).map { "\(self.idPrefix)-\($0 + 1)" } }

    public func run(context: LaunchContext) async {
        await withDiscardingTaskGroup { group in
            for id in self.plannedWorkerIDs {
                group.addTask {
                    await context.runReplacingDeadWorkers(
                        id: id,
                        maximumRestarts: self.maximumRestarts,
                        logger: self.logger
                    ) { await self.runOne(id: $0, context: context) }
                }
            }
        }
    }

    /// Runs one worker process to its end.
    /// - Returns: Why it ended, and whether it died (a signal or a failure exit other than a refused handshake)
    ///   rather than stopping as told.
    private func runOne(id: String, context: LaunchContext) async -> (String, died: Bool) {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
        let launch = WorkerLaunch(
            endpoint: .connect(host: context.coordinatorHost, port: context.coordinatorPort),
            slots: self.slots,
            workerID: id,
            maximumFrameBytes: context.maximumFrameBytes,
            digestHint: self.digestHint
        )
        let arguments = self.executable.leadingArguments + launch.arguments
        let launchLines = context.standardInputLines
        context.expect(workerID: id, hostLabel: Self.hostLabel, slots: self.slots)
        do {
            let result = try await Subprocess.run(
                .path(FilePath(self.executable.path)),
                arguments: Arguments(arguments),
                platformOptions: options,
                input: .inputWriter,
                output: .sequence,
                error: .currentStandardError
            ) { execution in
                _ = try await execution.standardInputWriter.write(launchLines)
                // The worker writes nothing to stdout; its end means the process is gone. Standard input stays
                // open until then, or until cancellation tears the process down.
                for try await _ in execution.standardOutput {}
            }
            let died: Bool
            switch result.terminationStatus {
            case .exited(let code): died = WorkerLaunch.died(exitStatus: code)
            case .signaled: died = WorkerLaunch.died(exitStatus: nil)
            }
            return ("\(self.executable.path) exited: \(result.terminationStatus)", died)
        } catch is CancellationError {
            return ("stopped", false)
        } catch {
            if Task.isCancelled { return ("stopped", false) }
            return ("cannot start \(self.executable.path): \(error)", false)
        }
    }
}
