import Foundation
import Testing

/// Issue 12, finding 13: the launch line sent to each host is quoted word by word, so configuration values never
/// run as shell code there.
extension IntegrationSuite {
    @Test(
        "lab: a coordinator.advertise holding $(…) reaches the worker as text and never runs on the hosts",
        .enabled(if: LabEnvironment.enabled)
    )
    func labAdvertiseIsNotShellCode() throws {
        let lab = try LabEnvironment.up()
        let marker = NSTemporaryDirectory() + "advertise-ran-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let cluster = try lab.clusterFile(
            "advertise",
            replacing: [
                (
                    "coordinator:\n",
                    "coordinator:\n  advertise: \"\(lab.coordinatorAddress)$(touch \(marker))`touch \(marker)`\"\n"
                )
            ]
        )
        // The workers cannot reach such an address, so the run fails; what matters is what ran on the hosts.
        let run = try ProcessHarness.run(
            "/usr/bin/timeout",
            ["120", try Self.product("fanout"), "run", "noop", "--tasks", "1", "--cluster", cluster],
            directory: NSTemporaryDirectory()
        )
        #expect(run.status != 124, "the run should end by itself once no worker can connect")
        #expect(!FileManager.default.fileExists(atPath: marker), "the advertised address ran as shell code on a host")
        #expect(lab.waitUntilNoWorkers(timeout: .seconds(10)))
    }
}
