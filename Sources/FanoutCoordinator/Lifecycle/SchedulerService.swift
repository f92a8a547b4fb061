import ServiceLifecycle

/// Runs the scheduler's event loop as a service of the cluster's ``ServiceGroup``: a graceful shutdown ends its
/// event stream, so the events already posted are still handled first.
struct SchedulerService: Service, CustomStringConvertible {
    let scheduler: Scheduler

    var description: String { "scheduler" }

    func run() async {
        await withGracefulShutdownHandler {
            await self.scheduler.run()
        } onGracefulShutdown: {
            self.scheduler.stop()
        }
    }
}
