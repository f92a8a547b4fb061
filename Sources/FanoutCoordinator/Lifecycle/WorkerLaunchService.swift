import NIOConcurrencyHelpers
import ServiceLifecycle

/// Runs the cluster's launchers as one service, and owns the orderly exit of their workers.
///
/// On graceful shutdown every worker gets `shutdown` and a moment to exit by itself (``shutdownGrace``, cut short
/// once no worker is connected); whatever is still running then is torn down by its launcher, which is cancelled.
/// On cancellation the launchers are cancelled at once. Launchers that end early (every worker gone) leave the
/// service waiting for the shutdown: the cluster does not stop because its workers did.
struct WorkerLaunchService: Service, CustomStringConvertible {
    /// How long workers get to exit by themselves after `shutdown`.
    static let shutdownGrace: Duration = .seconds(3)
    /// Once no worker is connected any more, how long their processes get to finish exiting before launchers are
    /// cancelled. A launcher still waiting on a host that went silent (its worker declared dead) does not hold the
    /// exit for the whole grace period.
    static let exitAfterDisconnect: Duration = .milliseconds(500)

    let launchers: [any WorkerLauncher]
    let context: LaunchContext
    let scheduler: Scheduler
    private let closing: NIOLockedValueBox<Bool>

    /// - Parameters:
    ///   - launchers: The launchers to run.
    ///   - context: What they need; its ``LaunchContext/isClosing`` is replaced by this service's own.
    ///   - scheduler: Told to shut the workers down when the cluster shuts down.
    init(launchers: [any WorkerLauncher], context: LaunchContext, scheduler: Scheduler) {
        let closing = NIOLockedValueBox(false)
        var context = context
        context.isClosing = { closing.withLockedValue { $0 } }
        self.launchers = launchers
        self.context = context
        self.scheduler = scheduler
        self.closing = closing
    }

    var description: String { "launchers" }

    func run() async {
        let (launchersFinished, launchersFinishedSink) = AsyncStream.makeStream(of: Void.self)
        let launchers = self.launchers
        let context = self.context
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withDiscardingTaskGroup { launcherGroup in
                    for launcher in launchers {
                        launcherGroup.addTask { await launcher.run(context: context) }
                    }
                }
                launchersFinishedSink.finish()
            }
            let graceful = (try? await gracefulShutdown()) != nil
            // From now on a worker that exits is not replaced.
            self.closing.withLockedValue { $0 = true }
            self.scheduler.post(.shutdownWorkers)
            if graceful {
                await Self.waitForEnd(of: launchersFinished, scheduler: self.scheduler)
            }
            group.cancelAll()
        }
    }

    private static func waitForEnd(of stream: AsyncStream<Void>, scheduler: Scheduler) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in stream {} }
            group.addTask { try? await Task.sleep(for: Self.shutdownGrace) }
            group.addTask {
                // Answered after the shutdown event posted before it, once the last worker is gone.
                guard await scheduler.wait(until: .noWorkersConnected) else { return }
                try? await Task.sleep(for: Self.exitAfterDisconnect)
            }
            await group.next()
            group.cancelAll()
        }
    }
}
