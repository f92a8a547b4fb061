import FanoutConfiguration

#if canImport(Glibc)
import Glibc
#endif

extension ExecSession {
    /// The cluster an exec run uses, from the cluster file's: jobs are processes of their own, so one local worker
    /// drives every local slot, and no task is ever copied to a second worker (a program's side effects must happen
    /// once).
    /// - Parameters:
    ///   - configuration: The cluster file's settings.
    ///   - jobsPerHost: `--jobs`: the slots of this machine and of every host; `nil` keeps the file's.
    ///   - processors: This machine's online processors (`auto` local workers give each of them the file's slots).
    /// - Returns: The settings to run with, and the local worker count to start (`nil`: as the settings say).
    static func clusterSettings(
        _ configuration: ClusterConfiguration,
        jobsPerHost: Int?,
        processors: Int
    ) -> (configuration: ClusterConfiguration, localWorkers: Int?) {
        var configuration = configuration
        configuration.scheduling.speculation = false
        var localWorkers: Int?
        if case .count(0) = configuration.local.workers {
            localWorkers = 0
        } else if let jobs = jobsPerHost {
            localWorkers = 1
            configuration.local.slots = .count(jobs)
        } else if configuration.local.workers == .auto {
            localWorkers = 1
            configuration.local.slots = .count(configuration.local.slots.resolved(cores: 1) * max(1, processors))
        }
        if let jobs = jobsPerHost {
            for index in configuration.hosts.indices { configuration.hosts[index].slots = .count(jobs) }
        }
        return (configuration, localWorkers)
    }

    /// This machine's online processors.
    static var onlineProcessors: Int { sysconf(Int32(_SC_NPROCESSORS_ONLN)) }
}
