import FanoutCoordinator
import FanoutJobs
import FanoutTestSupport
import Testing

/// The malicious-worker harness itself: launched by a real coordinator, it joins with the real secret, so its
/// attacks arrive authenticated. The honest attack is the control case: if it could not finish a run, every attack
/// test built on the harness would pass for the wrong reason.
extension IntegrationSuite {
    @Test func honestMaliciousWorkerJoinsAndAnswersEveryTask() async throws {
        let inputs = (0..<50).map { UInt64($0) }
        let results = try await Cluster.withCluster(try MaliciousWorker.options(attack: "honest", workers: 2)) {
            cluster in
            try await cluster.waitForWorkers(2)
            var outputs: [Int: UInt64] = [:]
            for try await result in cluster.map(Noop.self, inputs) {
                outputs[result.index] = try result.outcome.get()
            }
            return outputs
        }
        #expect(results.count == inputs.count)
        #expect(results.sorted { $0.key < $1.key }.map(\.value) == inputs)
    }
}
