import ArgumentParser
import FanoutConfiguration
import FanoutCoordinator

/// Loads a cluster file for the host commands, turning errors into the documented exit status 2.
enum ClusterFileLoader {
    static func load(_ path: String, knownHosts: KnownHostsRequirement = .mustExist) throws -> ClusterConfiguration {
        do {
            return try ClusterConfiguration.load(path: path, knownHosts: knownHosts)
        } catch {
            FileHandleOutput.standardError.write("fanout: \(error.description)\n")
            throw ExitCode(2)
        }
    }

    static func workerBinary(_ configuration: ClusterConfiguration) throws -> WorkerBinary {
        do {
            return try WorkerBinary.locate(configured: configuration.ssh.workerBinary)
        } catch {
            FileHandleOutput.standardError.write("fanout: \(error)\n")
            throw ExitCode(2)
        }
    }
}
