import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Foundation
import Testing

/// A job under a built-in's name with another input type: every worker fails to decode its input, so every attempt
/// is a job error (the worker itself stays healthy).
private enum MisfitPrimes: Job {
    static let name = Primes.name
    static func run(_ input: String) throws -> UInt64 { 0 }
}

extension IntegrationSuite {
    @Test("a job error is reported once by default; with retry_job_errors it is retried up to max_retries")
    func jobErrorsRetriedOnlyWhenAsked() async throws {
        for retry in [false, true] {
            let options = try Self.options(workers: 2) { configuration in
                configuration.scheduling.retryJobErrors = retry
                configuration.scheduling.maxRetries = 2
            }
            let results = try await Cluster.withCluster(options) { cluster in
                var results: [TaskResult<UInt64>] = []
                for try await result in cluster.map(MisfitPrimes.self, ["a", "b", "c"]) { results.append(result) }
                return results
            }
            #expect(results.map(\.index).sorted() == [0, 1, 2])
            for result in results {
                let message = try #require(result.outcome.failureMessage)
                #expect(message.contains("cannot decode the input"), "\(message)")
                #expect(result.attempts == (retry ? 3 : 1))
            }
        }
    }

    @Test("a task past task_timeout fails alone as timed out; its worker is replaced and the rest complete")
    func taskTimeout() async throws {
        var slowAtSeven = Array(repeating: UInt32(20), count: 40)
        slowAtSeven[7] = 60_000
        let inputs = slowAtSeven
        let options = try Self.options(workers: 2) { configuration in
            configuration.scheduling.taskTimeout = 1
            configuration.scheduling.heartbeatInterval = 0.2
        }
        let started = ContinuousClock.now
        let (results, workers) = try await Cluster.withCluster(options) { cluster in
            var results: [TaskResult<UInt32>] = []
            for try await result in cluster.map(Sleep.self, inputs) { results.append(result) }
            // The other tasks can all be done before the timed-out worker is even gone (tasks queued behind the
            // slow one move to the idle worker at the end of the run): wait for its replacement by name.
            let deadline = ContinuousClock.now + .seconds(20)
            while !cluster.statistics.workers.contains(where: { $0.id.contains(".") && $0.lostReason == nil }),
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(20))
            }
            return (results, cluster.statistics.workers)
        }
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(results.map(\.index).sorted() == Array(0..<40))
        for result in results where result.index != 7 { #expect(result.output == 20) }
        let slow = try #require(results.first { $0.index == 7 })
        #expect(slow.outcome.failureMessage?.contains("timed out after 1.0 s (scheduling.task_timeout)") == true)
        #expect(workers.contains { $0.id.contains(".") }, "no replacement worker: \(workers.map(\.id))")
    }

    @Test("a poison task that kills every worker it runs on fails after max_retries; the others complete")
    func poisonTask() async throws {
        var poisonAtThree = Array(repeating: UInt32(5), count: 60)
        poisonAtThree[3] = 60_000
        let inputs = poisonAtThree
        let options = try Self.options(workers: 2) { configuration in
            // A timed-out task takes its worker down with it: with retries on, the task kills worker after worker.
            configuration.scheduling.taskTimeout = 0.5
            configuration.scheduling.heartbeatInterval = 0.1
            configuration.scheduling.retryJobErrors = true
            configuration.scheduling.maxRetries = 2
        }
        let results = try await Cluster.withCluster(options) { cluster in
            var results: [TaskResult<UInt32>] = []
            for try await result in cluster.map(Sleep.self, inputs) { results.append(result) }
            return results
        }
        #expect(results.map(\.index).sorted() == Array(0..<60))
        #expect(
            results.filter { $0.output == 5 }.count == 59,
            "\(results.filter { $0.output != 5 }.map { "\($0.index): \($0.outcome.failureMessage ?? "")" })"
        )
        let poison = try #require(results.first { $0.index == 3 })
        #expect(poison.attempts == 3)
        #expect(poison.outcome.failureMessage?.contains("timed out") == true)
    }

    @Test("a stalled worker's tasks are copied to the idle one near the end; each result still arrives once")
    func stragglersGetSpeculativeCopies() async throws {
        let inputs = Array(repeating: UInt32(30), count: 40)
        let options = try Self.options(workers: 2) { configuration in
            // Long enough that the stalled worker is never declared dead during the test.
            configuration.scheduling.heartbeatTimeout = 60
        }
        let started = ContinuousClock.now
        let (indices, stalled, statistics) = try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(2)
            var indices: [Int] = []
            var stalled: ClusterStatistics.Worker?
            for try await result in cluster.map(Sleep.self, inputs) {
                indices.append(result.index)
                if indices.count == 5 {
                    // SIGSTOP: the worker holds its tasks but never answers, as a badly overloaded host would.
                    let victim = try #require(cluster.statistics.workers.last)
                    #expect(kill(victim.processID, SIGSTOP) == 0)
                    stalled = victim
                }
            }
            if let stalled { kill(stalled.processID, SIGCONT) }
            let statistics = cluster.statistics
            return (
                indices, stalled,
                (statistics.speculativeCopies, statistics.speculativeWins, statistics.workers.map(\.lostReason))
            )
        }
        #expect(ContinuousClock.now - started < .seconds(30), "the run waited for the stalled worker")
        #expect(indices.count == 40)
        #expect(Set(indices) == Set(0..<40))
        #expect(stalled != nil)
        #expect(statistics.0 >= 1)
        #expect(statistics.1 >= 1)
        #expect(statistics.2.allSatisfy { $0 == nil }, "\(statistics.2)")
    }
}

extension IntegrationSuite {
    /// 4 sleeps of 300, 300, 300 and 10 ms on 2 one-slot workers: before any result the first worker takes the
    /// first three (1 running, 2 prefetched), the second the short one, then idles.
    private static func endOfRunBalance(
        speculation: Bool
    ) async throws -> (
        workerOf: [Int: String], moved: Int
    ) {
        let options = try Self.options(workers: 2) { configuration in
            configuration.scheduling.speculation = speculation
        }
        return try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(2)
            var workerOf: [Int: String] = [:]
            for try await result in cluster.map(Sleep.self, [UInt32(300), 300, 300, 10]) {
                #expect(workerOf[result.index] == nil, "task \(result.index) answered twice")
                workerOf[result.index] = result.workerID
            }
            return (workerOf, cluster.statistics.movedTasks)
        }
    }

    @Test("at the end of a run an idle worker takes a task queued behind another's; each result arrives once")
    func queuedTasksMoveToIdleWorkers() async throws {
        let balanced = try await Self.endOfRunBalance(speculation: true)
        #expect(Set(balanced.workerOf.keys) == [0, 1, 2, 3])
        #expect(balanced.moved >= 1)
        // The last queued task (2) ran on the worker that had finished the short one, not behind 0 and 1.
        #expect(balanced.workerOf[2] == balanced.workerOf[3])
        #expect(balanced.workerOf[2] != balanced.workerOf[0])

        // scheduling.speculation: false never runs a task twice, so nothing moves: 2 waits behind 0 and 1.
        let unbalanced = try await Self.endOfRunBalance(speculation: false)
        #expect(Set(unbalanced.workerOf.keys) == [0, 1, 2, 3])
        #expect(unbalanced.moved == 0)
        #expect(unbalanced.workerOf[2] == unbalanced.workerOf[0])
    }
}

extension Result where Failure == TaskFailure {
    /// The failure's message, if the task failed.
    var failureMessage: String? {
        if case .failure(let failure) = self { return failure.message }
        return nil
    }
}
