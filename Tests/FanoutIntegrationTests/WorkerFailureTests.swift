import FanoutCoordinator
import FanoutJobs
import Foundation
import Testing

extension IntegrationSuite {
    @Test("kill -9 of one worker mid-run: 10^4 tasks complete, each result exactly once; the worker is replaced")
    func killedWorkerTasksAreReassigned() async throws {
        let inputs = Array(repeating: UInt32(1), count: 10_000)
        let outcome = try await Cluster.withCluster(try Self.options(workers: 2)) { cluster in
            var indices: [Int] = []
            var killed: ClusterStatistics.Worker?
            for try await result in cluster.map(Sleep.self, inputs) {
                #expect(result.output == 1)
                indices.append(result.index)
                if indices.count == 2_000 {
                    let victim = try #require(cluster.statistics.workers.first)
                    #expect(kill(victim.processID, SIGKILL) == 0)
                    killed = victim
                }
            }
            return (indices, killed, cluster.statistics.workers, cluster.statistics.retriedTasks)
        }
        let (indices, killed, workers, retried) = outcome
        #expect(indices.count == 10_000)
        #expect(Set(indices) == Set(0..<10_000))
        let victim = try #require(killed)
        let victimAfter = try #require(workers.first { $0.id == victim.id })
        #expect(victimAfter.lostReason != nil)
        #expect(workers.contains { $0.id == victim.id + ".2" }, "no replacement: \(workers.map(\.id))")
        let others = workers.filter { $0.id != victim.id }.reduce(0) { $0 + $1.completed }
        #expect(others + victimAfter.completed == 10_000)
        // The victim was killed with tasks in hand (its share of a 10^4-task run, prefetch included): each of them
        // ran again elsewhere, and only those.
        #expect(retried > 0, "a worker killed mid-run had no task reassigned")
        #expect(retried <= 10_000 - victimAfter.completed)
    }
}
