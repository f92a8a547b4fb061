import FanoutProtocol
import Testing

@testable import FanoutCoordinator

@Suite("SchedulerStateMachine: backpressure, journal replay, task timeout, speculation, phases")
struct SchedulerLifecycleTests {
    @Test("input pauses while the caller holds resultBufferLimit results, and resumes when the channel drains")
    func backpressure() {
        var harness = SchedulerHarness { $0.resultBufferLimit = 4 }
        harness.join("a", slots: 2)
        harness.submit()
        harness.produce(20, finished: false)
        #expect(harness.holding("a").count == 6)
        let full = harness.complete("a", [0, 1, 2, 3])
        #expect(full.delivered.count == 4)
        #expect(full.requestsWakeup && harness.machine.backpressure.isPaused)
        #expect(full.sentTasks.isEmpty, "no new input while the caller holds 4 results")
        #expect(harness.complete("a", [4]).sentTasks.isEmpty, "still paused: no second wakeup either")
        let resumed = harness.handle(.consumed(run: harness.machine.current!.id, held: 1, heldBytes: 100))
        #expect(!harness.machine.backpressure.isPaused)
        #expect(!resumed.sent(to: "a").isEmpty, "refilled once drained")
    }

    @Test("a consumer that keeps up never pauses input: the channel's level after each delivery is the count")
    func consumerKeepingUp() {
        var harness = SchedulerHarness { $0.resultBufferLimit = 4 }
        harness.join("a", slots: 2)
        let run = harness.submit()
        harness.produce(40, finished: false)
        for round in 0..<5 {
            let ids = Array(harness.holding("a").sorted().prefix(3))
            let directives = harness.complete("a", ids)
            #expect(!directives.requestsWakeup, "round \(round)")
            // The driver reports what the channel holds once the delivery is in: the caller took everything.
            harness.machine.observeHeldResults(run: run, held: 0, heldBytes: 0)
        }
        #expect(!harness.machine.backpressure.isPaused)
    }

    @Test("retries still go out while input is paused")
    func retriesWhilePaused() {
        var harness = SchedulerHarness {
            $0.resultBufferLimit = 1
            $0.prefetch = 0
        }
        harness.join("a", slots: 1)
        harness.join("b", slots: 1)
        harness.submit()
        harness.produce(5, finished: false)
        harness.complete("a", [0])
        #expect(harness.machine.backpressure.isPaused)
        let lost = harness.handle(.lost(workerID: "b", reason: "gone"))
        #expect(lost.sent(to: "a") == [1], "the lost worker's task is not an input")
    }

    @Test("recorded results are replayed in place of their tasks; a mismatching journal ends the run")
    func journalReplay() throws {
        var harness = SchedulerHarness()
        harness.join("a", slots: 1)
        let run = harness.submit()
        let replayed = RawResult(
            index: 0,
            workerID: "old",
            host: "old-host",
            outcome: .success([9]),
            busyNanoseconds: 5,
            attempts: 1,
            inputDigest: 77,
            replayed: true
        )
        let directives = harness.produce(inputs: [.replayed(replayed), .encoded([1], digest: 78)], finished: false)
        #expect(directives.delivered.map(\.replayed) == [true])
        #expect(directives.sent(to: "a") == [1], "task 0 is not run again")
        let mismatch = ClusterError(.journal, "j does not match this run's inputs")
        let end = harness.produce(inputs: [.journalMismatch(mismatch)], finished: true)
        // Met as soon as the worker had room: the run ends with the journal error, its task out cancelled.
        let finished = try #require(end.finished.first)
        #expect(finished.run == run && finished.error?.code == .journal)
        #expect(end.cancelled(on: "a") == [1])
        #expect(harness.complete("a", [1]).delivered.isEmpty)
    }

    @Test("a worker holding a task past task_timeout plus the grace is closed and its tasks retried elsewhere")
    func taskTimeout() {
        var harness = SchedulerHarness {
            $0.taskTimeoutNanoseconds = 1_000_000_000
            $0.taskTimeoutGraceNanoseconds = 1_000_000_000
            $0.prefetch = 0
            // Without copies of the straggler, so that the retry is what answers.
            $0.speculation = false
        }
        harness.join("silent", slots: 1)
        harness.join("good", slots: 1)
        harness.submit()
        harness.produce(2, finished: true)
        harness.complete("good", [1])
        // Overdue tasks are looked for at most every half tick: this look sees task 0 runnable from now on.
        harness.advance(milliseconds: 200)
        harness.handle(.tick)
        harness.advance(milliseconds: 1_500)
        #expect(harness.handle(.tick).closed.isEmpty)
        harness.advance(milliseconds: 1_000)
        let reclaimed = harness.handle(.tick)
        #expect(reclaimed.closed == ["silent"])
        #expect(reclaimed.sent(to: "good") == [0])
        #expect(harness.machine.connectedWorkers == 1)
        #expect(reclaimed.statistics.contains { if case .lost("silent", _) = $0 { true } else { false } })
        let late = harness.complete("silent", [0])
        #expect(late.delivered.isEmpty, "the dropped worker's late answer does not count")
        let done = harness.complete("good", [0])
        #expect(done.delivered.first?.attempts == 2 && done.finished.count == 1)
    }

    @Test("a straggler's copy on an idle worker wins: the original is cancelled and its late answer dropped")
    func speculationWins() {
        var harness = SchedulerHarness()
        harness.join("slow", slots: 1)
        harness.join("fast", slots: 1)
        harness.submit()
        harness.produce(2, finished: true)
        harness.advance(milliseconds: 1)
        harness.complete("fast", [1], busy: 1_000_000)
        harness.advance(milliseconds: 200)
        let tick = harness.handle(.tick)
        #expect(tick.sent(to: "fast") == [0])
        #expect(tick.statistics.contains(.speculated(1)))
        let win = harness.complete("fast", [0])
        #expect(win.delivered.map(\.workerID) == ["fast"])
        #expect(win.cancelled(on: "slow") == [0])
        #expect(win.statistics.contains(.speculativeWin))
        #expect(win.finished.count == 1)
        #expect(harness.complete("slow", [0]).delivered.isEmpty)
    }

    @Test("with speculation off, stragglers are left alone")
    func speculationOff() {
        var harness = SchedulerHarness { $0.speculation = false }
        harness.join("slow", slots: 1)
        harness.join("fast", slots: 1)
        harness.submit()
        harness.produce(2, finished: true)
        harness.complete("fast", [1], busy: 1_000_000)
        harness.advance(milliseconds: 10_000)
        #expect(harness.handle(.tick).sentTasks.isEmpty)
    }

    @Test("at the end of a run a queued task moves to an idle worker; the first answer wins")
    func endOfRunMove() {
        var harness = SchedulerHarness()
        harness.join("busy", slots: 1)
        harness.submit()
        harness.produce(3, finished: true)
        #expect(harness.holding("busy") == [0, 1, 2])
        harness.advance(milliseconds: 10)
        harness.complete("busy", [0], busy: 10_000_000)
        harness.join("idle", slots: 1)
        let moved = harness.all.statistics.filter { if case .moved = $0 { true } else { false } }
        #expect(moved == [.moved(1)])
        let idleTask = harness.holding("idle")
        #expect(idleTask == [3] || idleTask == [2], "the task sent last moves")
        let answer = harness.complete("idle", Array(idleTask))
        #expect(answer.delivered.count == 1)
        #expect(answer.cancelled(on: "busy") == Array(idleTask))
    }

    @Test("fatal fails every run, now and later; the phase says why")
    func fatal() {
        var harness = SchedulerHarness()
        harness.join("a")
        let first = harness.submit()
        let second = harness.submit()
        harness.produce(3, finished: false)
        let fatal = harness.handle(.fatal("ssh.require_all_hosts: beta did not start"))
        #expect(fatal.finished.map(\.run) == [first, second])
        #expect(fatal.finished.allSatisfy { $0.error?.code == .noWorkers })
        #expect(fatal.cancelled(on: "a").sorted() == [0, 1, 2])
        #expect(harness.machine.phase == .failed(reason: "ssh.require_all_hosts: beta did not start"))
        let later = harness.submit()
        #expect(harness.all.finished.last?.run == later)
        #expect(harness.all.finished.last?.error?.message == "ssh.require_all_hosts: beta did not start")
    }

    @Test("closing tells every worker, and any joining later, to exit")
    func closing() {
        var harness = SchedulerHarness()
        harness.join("a")
        harness.join("b")
        let shutdown = harness.handle(.shutdownWorkers)
        #expect(shutdown.shutdowns == ["a", "b"])
        #expect(harness.machine.phase == .closing(.idle, failure: nil))
        let late = harness.join("c")
        #expect(late.shutdowns == ["c"] && harness.machine.connectedWorkers == 2)
    }

    @Test("closing with a run going: the run ends when its last worker leaves")
    func closingWithRun() throws {
        var harness = SchedulerHarness()
        harness.join("a")
        let run = harness.submit()
        harness.produce(2, finished: false)
        harness.handle(.shutdownWorkers)
        #expect(harness.machine.phase == .closing(.running, failure: nil))
        let lost = harness.handle(.lost(workerID: "a", reason: "connection closed"))
        let finished = try #require(lost.finished.first)
        #expect(finished.run == run && finished.error?.code == .noWorkers)
    }

    @Test("stopping fails every run still going as cancelled")
    func stopped() {
        var harness = SchedulerHarness()
        harness.join("a")
        let run = harness.submit()
        harness.produce(2, finished: false)
        let stopped = harness.handle(.stopped)
        #expect(stopped.finished.map(\.run) == [run])
        #expect(stopped.finished.first?.error?.code == .cancelled)
        #expect(stopped.finished.first?.error?.message == "the cluster shut down before the run finished")
    }

    @Test("abandoning a queued run finishes it without touching the current one")
    func abandonQueued() {
        var harness = SchedulerHarness()
        harness.join("a")
        let first = harness.submit()
        let second = harness.submit()
        harness.produce(2, finished: false)
        let abandoned = harness.handle(.abandoned(second))
        #expect(abandoned.finished.map(\.run) == [second])
        #expect(abandoned.cancelled(on: "a").isEmpty && harness.machine.current?.id == first)
    }
}
