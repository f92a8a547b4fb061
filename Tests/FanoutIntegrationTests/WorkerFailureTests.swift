import FanoutCoordinator
import FanoutJobs
import Foundation
import Testing

extension IntegrationSuite {
    @Test("kill -9 of one worker mid-run: the run completes and every task's result appears exactly once")
    func killedWorkerTasksAreReassigned() async throws {
        let inputs = Array(repeating: UInt32(10), count: 300)
        let outcome = try await Cluster.withCluster(try Self.options(workers: 2)) { cluster in
            var indices: [Int] = []
            var killed: ClusterStatistics.Worker?
            for try await result in cluster.map(Sleep.self, inputs) {
                #expect(result.output == 10)
                indices.append(result.index)
                if indices.count == 40 {
                    let victim = try #require(cluster.statistics.workers.first)
                    #expect(kill(victim.processID, SIGKILL) == 0)
                    killed = victim
                }
            }
            return (indices, killed, cluster.statistics.workers, cluster.statistics.retriedTasks)
        }
        let (indices, killed, workers, retried) = outcome
        #expect(indices.count == 300)
        #expect(Set(indices) == Set(0..<300))
        let victim = try #require(killed)
        let victimAfter = try #require(workers.first { $0.id == victim.id })
        #expect(victimAfter.lostReason != nil)
        let survivor = try #require(workers.first { $0.id != victim.id })
        #expect(survivor.completed > 300 / 2)
        #expect(retried >= 0)
    }
}
