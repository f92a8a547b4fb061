import FanoutProtocol
import Testing

@testable import FanoutCoordinator

@Suite("SchedulerStateMachine: exactly once, retries, poison tasks, worker loss")
struct SchedulerFailureTests {
    @Test("a duplicate or late answer, or one from a worker that does not hold the task, is dropped")
    func exactlyOnce() {
        var harness = SchedulerHarness()
        harness.join("a")
        harness.join("b")
        harness.submit()
        harness.produce(6, finished: true)
        #expect(harness.holding("a") == [0, 1, 2])
        #expect(harness.complete("a", [0]).delivered.map(\.index) == [0])
        #expect(harness.complete("a", [0]).delivered.isEmpty, "duplicate")
        #expect(harness.complete("b", [1]).delivered.isEmpty, "b never held task 1")
        #expect(harness.complete("a", [99]).delivered.isEmpty, "unknown task")
        #expect(harness.complete("nobody", [2]).delivered.isEmpty, "unknown worker")
    }

    @Test("answers arriving after their run ended are dropped")
    func lateAfterRunEnd() {
        var harness = SchedulerHarness()
        harness.join("a")
        let first = harness.submit()
        harness.produce(3, finished: false)
        let abandoned = harness.handle(.abandoned(first))
        #expect(abandoned.cancelled(on: "a").sorted() == [0, 1, 2])
        #expect(abandoned.finished.map(\.run) == [first])
        harness.submit()
        #expect(harness.complete("a", [0, 1]).delivered.isEmpty)
    }

    @Test("a lost worker's tasks run elsewhere; only the ones it could be running are charged an attempt")
    func lossRetriesElsewhere() {
        var harness = SchedulerHarness()
        harness.join("a", slots: 1)
        harness.submit()
        harness.produce(3, finished: true)
        #expect(harness.holding("a") == [0, 1, 2])
        harness.handle(.launchStarted(launchID: "b"))
        let lost = harness.handle(.lost(workerID: "a", reason: "connection reset"))
        #expect(lost.retriedCount == 3)
        #expect(harness.machine.retries.count == 3)
        let joined = harness.join("b", slots: 1)
        #expect(joined.sent(to: "b") == [0, 1, 2], "retries first, oldest first")
        let attempts = harness.machine.workers["b"]?.inFlight.values.sorted { $0.id < $1.id }.map(\.attempts)
        #expect(attempts == [2, 1, 1], "task 0 was running when a died; 1 and 2 were queued")
        let done = harness.complete("b", [0, 1, 2])
        #expect(done.delivered.map(\.attempts) == [2, 1, 1])
        #expect(done.finished.count == 1)
    }

    @Test("a task that keeps killing its workers fails after max_retries without taking the queued ones down")
    func poisonTask() throws {
        var harness = SchedulerHarness { $0.maxRetries = 2 }
        harness.handle(.launchStarted(launchID: "w0"))
        harness.submit()
        var failures: [RawResult] = []
        for round in 0..<3 {
            harness.join("w\(round)", slots: 1)
            if round == 0 { harness.produce(2, finished: true) }
            #expect(harness.holding("w\(round)").contains(0))
            harness.handle(.launchStarted(launchID: round < 2 ? "w\(round + 1)" : "last"))
            failures += harness.handle(.lost(workerID: "w\(round)", reason: "killed by signal 9")).delivered
        }
        let poison = try #require(failures.first)
        #expect(failures.count == 1 && poison.index == 0 && poison.attempts == 3)
        #expect(
            poison.outcome.failureMessage
                == "worker died while running this task 3 times (scheduling.max_retries = 2); last: killed by signal 9"
        )
        harness.join("last", slots: 1)
        let done = harness.complete("last", [1])
        #expect(done.delivered.map(\.index) == [1] && done.delivered.first?.attempts == 1)
        #expect(done.finished.count == 1)
    }

    @Test("a retry goes to a worker on another host when one has room")
    func retryAvoidsHost() {
        var harness = SchedulerHarness { $0.prefetch = 0 }
        harness.join("a1", host: "alpha", slots: 1)
        harness.join("a2", host: "alpha", slots: 1)
        harness.join("b1", host: "beta", slots: 1)
        harness.submit()
        harness.produce(3, finished: true)
        #expect(harness.holding("a1") == [0])
        // b1 finishes first, then a1 dies: its task should go to beta, not to a2.
        harness.complete("b1", [2])
        let lost = harness.handle(.lost(workerID: "a1", reason: "gone"))
        #expect(lost.sent(to: "b1") == [0])
        #expect(lost.sent(to: "a2").isEmpty)
    }

    @Test("with retry_job_errors a failed task runs again on another host, then its failure is delivered")
    func retryJobErrors() {
        var harness = SchedulerHarness {
            $0.retryJobErrors = true
            $0.maxRetries = 1
            $0.prefetch = 0
        }
        harness.join("a", host: "alpha")
        harness.join("b", host: "beta")
        harness.submit()
        harness.produce(1, finished: true)
        let first = harness.complete("a", [0], outcome: .failure("threw"))
        #expect(first.delivered.isEmpty && first.retriedCount == 1)
        #expect(first.sent(to: "b") == [0])
        let second = harness.complete("b", [0], outcome: .failure("threw again"))
        #expect(second.delivered.map(\.outcome) == [.failure("threw again")])
        #expect(second.delivered.first?.attempts == 2)
        #expect(second.finished.count == 1)
    }

    @Test("an output the run rejects runs again, up to the run's own retries")
    func retryByOutput() {
        var harness = SchedulerHarness()
        harness.join("a", slots: 1)
        harness.submit(retryOutput: OutputRetry(maximumRetries: 1) { $0 == [1] })
        harness.produce(1, finished: true)
        let rejected = harness.complete("a", [0], outcome: .success([1]))
        #expect(rejected.delivered.isEmpty && rejected.sent(to: "a") == [0])
        let again = harness.complete("a", [0], outcome: .success([1]))
        #expect(again.delivered.map(\.attempts) == [2], "out of retries: the output is delivered")
    }

    @Test("a worker that said it is leaving gets nothing more, and none of its tasks is charged when it goes")
    func leavingWorker() {
        var harness = SchedulerHarness()
        harness.join("a", slots: 1)
        harness.submit()
        harness.produce(3, finished: false)
        harness.handle(.leaving(workerID: "a"))
        #expect(harness.complete("a", [0]).sent(to: "a").isEmpty)
        harness.handle(.launchStarted(launchID: "b"))
        harness.handle(.lost(workerID: "a", reason: "exited"))
        harness.join("b", slots: 1)
        let attempts = harness.machine.workers["b"]?.inFlight.values.map(\.attempts).sorted()
        #expect(attempts == [1, 1])
    }

    @Test("a worker lost while idle, or before any run, only updates the statistics")
    func lossWhileIdle() {
        var harness = SchedulerHarness()
        harness.join("a")
        let lost = harness.handle(.lost(workerID: "a", reason: "connection closed"))
        #expect(lost.statistics == [.lost(workerID: "a", reason: "connection closed")])
        #expect(lost.finished.isEmpty && harness.machine.connectedWorkers == 0)
        #expect(harness.handle(.lost(workerID: "a", reason: "again")).statistics.isEmpty, "lost once")
    }

    @Test("a worker lost while draining, whose task has a copy elsewhere, leaves that copy to answer")
    func lossWithCopyOut() {
        var harness = SchedulerHarness()
        harness.join("slow", slots: 1)
        harness.join("fast", slots: 1)
        harness.submit()
        harness.produce(2, finished: true)
        harness.advance(milliseconds: 1)
        harness.complete("fast", [1], busy: 1_000_000)
        harness.complete("slow", [], busy: 0)
        harness.advance(milliseconds: 200)
        let tick = harness.handle(.tick)
        #expect(tick.sent(to: "fast") == [0], "a speculative copy of the straggler")
        let lost = harness.handle(.lost(workerID: "slow", reason: "gone"))
        #expect(lost.retriedCount == 0 && harness.machine.retries.isEmpty)
        let done = harness.complete("fast", [0])
        #expect(done.delivered.map(\.index) == [0] && done.finished.count == 1)
    }
}
