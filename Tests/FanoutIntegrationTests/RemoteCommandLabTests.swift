import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

/// Issue 12, finding 13: the launch line sent to each host is quoted word by word, so configuration values never
/// run as shell code there.
extension IntegrationSuite {
    /// `cluster.yaml` refuses such an address now, but a library user builds the configuration in code, and the
    /// launch line must hold whatever it is given: the check here is the quoting, not the validation.
    @Test(
        "lab: a coordinator.advertise holding $(…) and backticks reaches the worker as text and never runs on a host",
        .enabled(if: LabEnvironment.enabled)
    )
    func labAdvertiseIsNotShellCode() async throws {
        let lab = try LabEnvironment.up()
        let marker = NSTemporaryDirectory() + "advertise-ran-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        var configuration = try ClusterConfiguration.load(path: lab.cluster)
        configuration.hosts = Array(configuration.hosts.prefix(1))
        configuration.coordinator.advertise = "\(lab.coordinatorAddress)$(touch \(marker))`touch \(marker)`"
        let log = LabLogCapture()
        let options = ClusterOptions(
            configuration: configuration,
            registry: .builtin,
            workerExecutable: WorkerExecutable(path: try Self.product("fanout-worker")),
            localWorkers: 0,
            logger: log.logger
        )
        let worker = "[\(lab.hosts[0])-1]"
        try await Cluster.withCluster(options) { _ in
            // The worker cannot reach such an address: once it has said so (its stderr is logged under its id) or
            // exited, the command line has been through the host's shell.
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline,
                !log.lines.withLockedValue({
                    $0.contains { $0.contains(worker) || $0.contains("remote worker exited") }
                })
            {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let lines = log.lines.withLockedValue { $0 }
        #expect(
            lines.contains { $0.contains(worker) || $0.contains("remote worker exited") },
            "the worker never started: \(lines)"
        )
        #expect(!FileManager.default.fileExists(atPath: marker), "the advertised address ran as shell code on a host")
        #expect(lab.waitUntilNoWorkers(timeout: .seconds(10)))
    }
}
