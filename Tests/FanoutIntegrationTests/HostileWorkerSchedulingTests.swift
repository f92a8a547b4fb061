import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import FanoutTestSupport
import Foundation
import Testing

/// Issue 12, findings 8–10 on the scheduler's side, each performed for real: compromised workers (the malicious
/// worker, with the real secret) and real jobs whose results pile up.
extension IntegrationSuite {
    /// Runs `body` on a cluster, or returns `nil` when it has not finished within `limit` (then the cluster is
    /// cancelled): a test of a hang must fail, not hang itself.
    static func within<Result: Sendable>(
        _ limit: Duration,
        _ options: ClusterOptions,
        _ body: @escaping @Sendable (Cluster) async throws -> Result
    ) async throws -> Result? {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await Cluster.withCluster(options, body) }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    @Test("task_timeout: a worker that heartbeats but never answers is dropped, its task retried, then failed")
    func silentHeartbeatingWorkerLosesItsTask() async throws {
        // Two such workers: the task goes to one, is taken back and retried on the other, then fails.
        let options = try MaliciousWorker.options(attack: "silent-heartbeat", workers: 2) { configuration in
            configuration.scheduling.taskTimeout = 1
            configuration.scheduling.heartbeatInterval = 0.2
            configuration.scheduling.heartbeatTimeout = 1
            configuration.scheduling.maxRetries = 1
            configuration.scheduling.speculation = false
            configuration.local.slots = .count(1)
        }
        let started = ContinuousClock.now
        let outcome = try await Self.within(.seconds(40), options) { cluster in
            try await cluster.waitForWorkers(2)
            var results: [TaskResult<UInt64>] = []
            for try await result in cluster.map(Noop.self, [7]) { results.append(result) }
            return (results, cluster.statistics.workers, cluster.statistics.retriedTasks)
        }
        let elapsed = ContinuousClock.now - started
        // Before the fix the run never ended: the worker's heartbeats kept it alive, holding the task for ever.
        let (results, workers, retried) = try #require(outcome, "the run did not end: the task was never taken back")
        let result = try #require(results.first)
        #expect(results.count == 1)
        let message = try #require(result.outcome.failureMessage)
        #expect(message.contains("scheduling.task_timeout"), "\(message)")
        #expect(result.attempts == 2, "the task is retried on another worker once (max_retries = 1)")
        #expect(retried >= 1)
        let dropped = workers.compactMap(\.lostReason).filter { $0.contains("task_timeout") }
        #expect(dropped.count == 2, "each silent worker was dropped: \(workers.map { $0.lostReason ?? "ok" })")
        // Two attempts of timeout (1 s) plus grace (the heartbeat timeout, 1 s) each, and the start of the workers.
        #expect(elapsed < .seconds(20), "\(elapsed)")
    }

    @Test("ordered: one stalled task does not let the others' results pile up; the run pauses, then completes")
    func orderedStallIsBoundedInBytes() async throws {
        let outputBytes = 256 * 1024
        let taskCount = 400
        func shell(_ script: String, _ sequence: Int) -> ExecInput {
            ExecInput(arguments: ["/bin/sh", "-c", script].map { ExecWord(Array($0.utf8)) }, sequence: sequence)
        }
        let inputs = (0..<taskCount).map { index in
            shell((index == 0 ? "sleep 4; " : "") + "head -c \(outputBytes) /dev/zero", index + 1)
        }
        var options = try Self.options(workers: 2) { configuration in
            configuration.local.slots = .count(2)
            // No copy of the stalled task: the stall must be held by the bound, not cut short.
            configuration.scheduling.speculation = false
        }
        let limit = 4 << 20
        options.resultBufferBytes = limit
        let (completedAtFirst, count, ordered) = try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(2)
            var completedAtFirst: Int?
            var indices: [Int] = []
            for try await result in cluster.map(Exec.self, inputs, ordered: true) {
                if completedAtFirst == nil {
                    completedAtFirst = cluster.statistics.workers.reduce(0) { $0 + $1.completed }
                }
                #expect(result.output?.standardOutput.count == outputBytes)
                indices.append(result.index)
            }
            return (completedAtFirst ?? 0, indices.count, indices == Array(0..<taskCount))
        }
        #expect(count == taskCount)
        #expect(ordered)
        // Before the fix every other task ran and waited in memory (399 results, 100 MiB) while task 0 slept. Now
        // dispatch pauses at 4 MiB (16 results) plus what was already out on the 4 slots.
        let bound = limit / outputBytes + 32
        #expect(completedAtFirst <= bound, "\(completedAtFirst) tasks completed while task 0 stalled (bound \(bound))")
    }

    @Test("a worker lying about busy time (UInt64.max), duplicates and unknown task ids traps nothing")
    func lyingResultsDoNotTrap() async throws {
        let options = try MaliciousWorker.options(attack: "lying-results", workers: 2) { configuration in
            // Speculation looks at busy times at the end of the run (4 × typical used to trap).
            configuration.scheduling.speculation = true
        }
        let results = try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(2)
            var results: [Int: UInt64] = [:]
            for try await result in cluster.map(Noop.self, (0..<200).map { UInt64($0) }) {
                #expect(results[result.index] == nil, "result \(result.index) delivered twice")
                results[result.index] = try result.outcome.get()
            }
            return results
        }
        #expect(results.count == 200)
    }
}
