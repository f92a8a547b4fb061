import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Testing

/// Settings built in code skip the file's range checks: a library user can set any `Double`. The coordinator
/// converted them with `Int64(seconds * 1000)`, which traps on `inf`, `nan` and `1e300`; it now clamps them.
extension IntegrationSuite {
    @Test("a cluster whose handshake and heartbeat timeouts are inf and 1e300 in code runs instead of trapping")
    func unboundedDurationsInCodeDoNotTrap() async throws {
        let options = try Self.options(workers: 1) { configuration in
            configuration.limits.handshakeTimeout = .infinity
            configuration.scheduling.heartbeatTimeout = 1e300
            configuration.ssh.connectTimeout = .nan
        }
        let count = try await Cluster.withCluster(options) { cluster in
            var count = 0
            for try await result in cluster.map(Noop.self, [UInt64(1), 2, 3]) {
                if case .success = result.outcome { count += 1 }
            }
            return count
        }
        #expect(count == 3)
    }
}
