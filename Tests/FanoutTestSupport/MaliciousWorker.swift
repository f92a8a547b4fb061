import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Logging

/// Clusters whose workers are `fanout-malicious-worker` processes: compromised hosts that hold the run secret,
/// speak the protocol perfectly, and lie (see `Tests/MaliciousWorker/README.md`).
public enum MaliciousWorker {
    /// The built `fanout-malicious-worker`, next to the test bundle.
    /// - Throws: When it was not built (`swift build --build-tests` builds it).
    public static func path() throws -> String {
        let path = WorkerExecutable.currentExecutableDirectory() + "/fanout-malicious-worker"
        guard access(path, X_OK) == 0 else {
            throw MissingProduct(path: path)
        }
        return path
    }

    /// The malicious worker as the executable a coordinator launches.
    /// - Parameters:
    ///   - attack: The attack's name.
    ///   - arguments: Its `--attack-arg` values.
    /// - Returns: The executable description.
    public static func executable(attack: String, arguments: [String] = []) throws -> WorkerExecutable {
        WorkerExecutable(
            path: try Self.path(),
            leadingArguments: ["--attack", attack] + arguments.flatMap { ["--attack-arg", $0] }
        )
    }

    /// Options for a cluster of `workers` local malicious workers.
    /// - Parameters:
    ///   - attack: The attack's name.
    ///   - arguments: Its `--attack-arg` values.
    ///   - workers: How many local worker processes.
    ///   - configure: Changes to the default configuration.
    /// - Returns: The options.
    public static func options(
        attack: String,
        arguments: [String] = [],
        workers: Int = 1,
        configure: (inout ClusterConfiguration) -> Void = { _ in }
    ) throws -> ClusterOptions {
        var configuration = ClusterConfiguration()
        configure(&configuration)
        var logger = Logger(label: "fanout-malicious-test")
        logger.logLevel = .critical
        return ClusterOptions(
            configuration: configuration,
            registry: .builtin,
            workerExecutable: try Self.executable(attack: attack, arguments: arguments),
            localWorkers: workers,
            logger: logger
        )
    }

    /// The product is missing.
    public struct MissingProduct: Error, CustomStringConvertible {
        /// Where it was looked for.
        public var path: String
        public var description: String { "\(self.path) is missing: build with `swift build --build-tests`" }
    }
}

#if canImport(Glibc)
import Glibc
#endif
