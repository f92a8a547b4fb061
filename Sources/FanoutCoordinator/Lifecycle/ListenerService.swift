import ServiceLifecycle

/// Runs the worker listener as a service of the cluster's group. It is shut down after the launchers (services
/// stop in reverse order), when no worker is left to serve, so a graceful shutdown simply stops it: the listening
/// socket closes and connections accepted but not yet served are closed.
struct ListenerService: Service, CustomStringConvertible {
    let listener: WorkerListener

    var description: String { "listener" }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await self.listener.run()
        }
    }
}
