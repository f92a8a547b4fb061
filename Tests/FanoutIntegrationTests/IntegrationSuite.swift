import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Foundation
import Logging
import Testing

/// Every test here starts real worker processes and real TCP connections on 127.0.0.1. They run one at a time:
/// the machine has two cores, and timing-sensitive steps (killing a worker mid-run) need them.
@Suite(.serialized)
struct IntegrationSuite {
    /// The directory holding the built products (`fanout`, `fanout-worker`) next to the test bundle.
    static var productsDirectory: String { WorkerExecutable.currentExecutableDirectory() }

    static func product(_ name: String) throws -> String {
        let path = Self.productsDirectory + "/" + name
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "\(path) is missing: build it with `swift build --build-tests` before `swift test`"
        )
        return path
    }

    static func options(
        workers: Int,
        configure: (inout ClusterConfiguration) -> Void = { _ in }
    ) throws
        -> ClusterOptions
    {
        var configuration = ClusterConfiguration()
        configure(&configuration)
        var logger = Logger(label: "fanout-test")
        logger.logLevel = .error
        return ClusterOptions(
            configuration: configuration,
            registry: .builtin,
            workerExecutable: WorkerExecutable(path: try Self.product("fanout-worker")),
            localWorkers: workers,
            logger: logger
        )
    }

    /// Runs `inputs` through `J` on a fresh cluster and returns every result with the cluster's statistics.
    static func runOnCluster<J: Job>(
        _ job: J.Type,
        _ inputs: [J.Input],
        workers: Int = 2,
        ordered: Bool = false
    ) async throws -> (results: [TaskResult<J.Output>], workers: [ClusterStatistics.Worker]) {
        try await Cluster.withCluster(try Self.options(workers: workers)) { cluster in
            // Both workers must take part, so wait for them before the first task goes out.
            try await cluster.waitForWorkers(workers)
            var results: [TaskResult<J.Output>] = []
            for try await result in cluster.map(J.self, inputs, ordered: ordered) {
                results.append(result)
            }
            return (results, cluster.statistics.workers)
        }
    }
}
