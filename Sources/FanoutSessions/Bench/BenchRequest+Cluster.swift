import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Logging

extension BenchRequest {
    /// The remote hosts of the cluster file.
    var hosts: [HostSettings] { self.configuration.hosts }

    /// Why `remote` and `all` cannot run, or `nil` when they can.
    var remoteSkipReason: String? {
        guard self.hosts.isEmpty else { return nil }
        if let path = self.clusterPath {
            return "the cluster file \(path) lists no hosts"
        }
        return "no --cluster file with hosts was given (the default cluster is this machine's cores only)"
    }

    /// Cluster options for `localWorkers` local workers and `hosts`, logging errors only (a bench prints its own
    /// progress).
    /// - Parameters:
    ///   - localWorkers: Local worker processes.
    ///   - hosts: The remote hosts to use.
    /// - Returns: The options.
    func clusterOptions(localWorkers: Int, hosts: [HostSettings]) -> ClusterOptions {
        var configuration = self.configuration
        configuration.hosts = hosts
        var logger = Logger(label: "fanout-bench")
        logger.logLevel = .error
        return ClusterOptions(
            configuration: configuration,
            registry: .builtin,
            localWorkers: localWorkers,
            logger: logger
        )
    }
}
