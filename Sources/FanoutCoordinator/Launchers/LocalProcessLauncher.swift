import FanoutProtocol
import Logging
import Subprocess

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

    public var plannedWorkerIDs: [String] { (0..<max(self.count, 0)).map { "local-\($0 + 1)" } }

    public func run(context: LaunchContext) async {
        await withDiscardingTaskGroup { group in
            for id in self.plannedWorkerIDs {
                group.addTask {
                    let reason = await self.runOne(id: id, context: context)
                    context.ended(id, reason)
                }
            }
        }
    }

    private func runOne(id: String, context: LaunchContext) async -> String {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
        let arguments =
            self.executable.leadingArguments + [
                "--connect", "\(context.coordinatorHost):\(context.coordinatorPort)",
                "--slots", "\(self.slots)",
                "--id", id,
                "--max-frame-bytes", "\(context.maximumFrameBytes)",
            ]
        let launchLines = context.standardInputLines
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
            return "\(self.executable.path) exited: \(result.terminationStatus)"
        } catch is CancellationError {
            return "stopped"
        } catch {
            if Task.isCancelled { return "stopped" }
            return "cannot start \(self.executable.path): \(error)"
        }
    }
}
