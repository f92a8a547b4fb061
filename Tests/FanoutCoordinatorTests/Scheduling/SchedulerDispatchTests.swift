import FanoutProtocol
import Testing

@testable import FanoutCoordinator

@Suite("SchedulerStateMachine: dispatch, prefetch, batches, inputs, run end")
struct SchedulerDispatchTests {
    @Test("a run asks the producer for inputs and sends nothing until they arrive; then fills the prefetch window")
    func inputsThenPrefetch() {
        var harness = SchedulerHarness()
        harness.join("a", slots: 2)
        let run = harness.submit()
        #expect(harness.machine.phase == .open(.running))
        #expect(harness.all.inputRequests == [1_024])
        #expect(harness.all.sentTasks.isEmpty)
        let filled = harness.produce(10, finished: false)
        #expect(filled.sent(to: "a") == [0, 1, 2, 3, 4, 5], "2 slots × (1 + prefetch 2)")
        #expect(filled.batches(to: "a").allSatisfy { $0.job == "noop" })
        #expect(filled.inputRequests == [1_024], "half a chunk left: the next one is asked for")
        #expect(harness.machine.current?.id == run)
    }

    @Test("inputs that come with the submission go out at once, without asking the producer")
    func firstInputs() {
        var harness = SchedulerHarness()
        harness.join("a", slots: 1)
        let run = harness.submit(firstInputs: [.encoded([7], digest: 0)], finished: true)
        #expect(harness.all.sent(to: "a") == [0])
        #expect(harness.all.inputRequests.isEmpty)
        let done = harness.complete("a", [0])
        #expect(done.finished.map(\.run) == [run])
    }

    @Test("a queued run keeps the inputs it came with until it starts")
    func queuedRunKeepsFirstInputs() {
        var harness = SchedulerHarness()
        harness.join("a", slots: 1)
        let first = harness.submit(firstInputs: [.encoded([1], digest: 0)], finished: true)
        let second = harness.submit(firstInputs: [.encoded([2], digest: 0), .encoded([3], digest: 0)], finished: false)
        let end = harness.complete("a", [0])
        #expect(end.finished.map(\.run) == [first])
        #expect(end.sent(to: "a") == [1, 2], "the second run's two inputs")
        #expect(end.inputRequests == [1_024], "and the rest is asked for")
        #expect(harness.machine.current?.id == second && harness.machine.runs[0].firstInputs.isEmpty)
    }

    @Test("workers are filled in join order, each up to its own window")
    func roundRobin() {
        var harness = SchedulerHarness()
        harness.join("a", slots: 1)
        harness.join("b", slots: 2)
        harness.submit()
        let directives = harness.produce(100, finished: false)
        #expect(directives.sent(to: "a") == [0, 1, 2])
        #expect(directives.sent(to: "b") == [3, 4, 5, 6, 7, 8])
    }

    @Test("a result is delivered with its run index and the freed room is refilled")
    func deliverAndRefill() {
        var harness = SchedulerHarness()
        harness.join("a")
        harness.submit()
        harness.produce(10, finished: false)
        harness.advance(milliseconds: 1)
        let directives = harness.complete("a", [0], outcome: .success([42]), busy: 500_000)
        let delivered = directives.delivered
        #expect(delivered.count == 1)
        #expect(delivered.first?.index == 0 && delivered.first?.workerID == "a" && delivered.first?.attempts == 1)
        #expect(delivered.first?.outcome == .success([42]))
        #expect(directives.sent(to: "a").count >= 1, "refilled after the answer")
        #expect(
            directives.statistics.contains(
                .worker(id: "a", host: "host-a", slots: 1, processID: 0, completed: 1, busyNanoseconds: 500_000)
            )
        )
    }

    @Test("batches hold at most scheduling.batch_size tasks")
    func batchSize() {
        var harness = SchedulerHarness { $0.batchSize = 4 }
        harness.join("a", slots: 10)
        harness.submit()
        let batches = harness.produce(30, finished: false).batches(to: "a")
        #expect(batches.map(\.tasks.count) == [4, 4, 4, 4, 4, 4, 4, 2])
    }

    @Test("batches stay under half the frame limit")
    func batchBytes() {
        var harness = SchedulerHarness { $0.maximumFrameBytes = 10_000 }
        harness.join("a", slots: 3)
        harness.submit()
        let big = (0..<3).map { _ in ProducedInput.encoded([UInt8](repeating: 1, count: 3_000), digest: 0) }
        let batches = harness.produce(inputs: big, finished: true).batches(to: "a")
        #expect(batches.map(\.tasks.count) == [1, 1, 1], "two 3 kB inputs do not fit in 5 kB")
    }

    @Test("an input too large for a frame, or one that could not be encoded, fails as a task without being sent")
    func unsendableInputs() {
        var harness = SchedulerHarness { $0.maximumFrameBytes = 4_096 }
        harness.join("a", slots: 4)
        harness.submit()
        let inputs: [ProducedInput] = [
            .encoded([UInt8](repeating: 0, count: 4_000), digest: 0),
            .unencodable("no Codable", digest: 0),
            .encoded([1], digest: 0),
        ]
        let directives = harness.produce(inputs: inputs, finished: true)
        let failures = directives.delivered
        #expect(failures.map(\.index) == [0, 1])
        #expect(failures[0].outcome.failureMessage?.contains("does not fit in a frame") == true)
        #expect(failures[1].outcome.failureMessage == "input could not be encoded: no Codable")
        #expect(failures.allSatisfy { $0.attempts == 0 && $0.workerID.isEmpty })
        #expect(directives.sent(to: "a") == [2])
    }

    @Test("the run ends once every input is out and answered; the next run starts with fresh input indexes")
    func runEnd() {
        var harness = SchedulerHarness()
        harness.join("a", slots: 4)
        let first = harness.submit()
        let second = harness.submit()
        harness.produce(2, finished: true)
        #expect(harness.machine.phase == .open(.draining))
        let end = harness.complete("a", [0, 1])
        #expect(end.finished.map(\.run) == [first])
        #expect(end.finished.first?.error == nil)
        #expect(harness.machine.current?.id == second)
        let next = harness.produce(1, finished: true, run: second)
        #expect(next.sent(to: "a") == [2], "task ids go on across runs")
        let done = harness.complete("a", [2])
        #expect(done.delivered.map(\.index) == [0], "but the second run's first input is index 0")
        #expect(done.finished.map(\.run) == [second])
        #expect(harness.machine.phase == .open(.idle))
    }

    @Test("an empty input sequence ends the run at once")
    func emptyRun() {
        var harness = SchedulerHarness()
        harness.join("a")
        let run = harness.submit()
        let directives = harness.produce(0, finished: true)
        #expect(directives.finished.map(\.run) == [run])
    }

    @Test("inputs or wakeups of an earlier run are ignored")
    func staleRunMessages() {
        var harness = SchedulerHarness()
        harness.join("a")
        let first = harness.submit()
        harness.handle(.abandoned(first))
        let second = harness.submit()
        let stale = harness.produce(5, finished: false, run: first)
        #expect(stale.sentTasks.isEmpty)
        harness.handle(.consumed(run: first, held: 0, heldBytes: 0))
        #expect(harness.machine.current?.id == second)
        #expect(harness.machine.inputs.count == 0)
    }

    @Test("a run with no worker configured and none being started fails at once, naming why")
    func noWorkersConfigured() throws {
        var harness = SchedulerHarness()
        let run = harness.submit()
        let finished = try #require(harness.all.finished.first)
        #expect(finished.run == run)
        #expect(finished.error?.code == .noWorkers)
        #expect(finished.error?.message == "no usable workers:\n  no worker is configured")
    }

    @Test("a pending launch keeps the run waiting; its failure is listed when it ends the run")
    func launches() throws {
        var harness = SchedulerHarness()
        harness.handle(.launchStarted(launchID: "local-1"))
        let run = harness.submit()
        #expect(harness.all.finished.isEmpty)
        #expect(harness.machine.pendingLaunches == 1)
        let ended = harness.handle(.launchEnded(launchID: "local-1", reason: "exited with status 1"))
        let finished = try #require(ended.finished.first)
        #expect(finished.run == run)
        #expect(finished.error?.message == "no usable workers:\n  local-1: exited with status 1")
    }

    @Test("a joining worker counts as its launch; after one joined, the error says no workers are left")
    func joinedThenLost() throws {
        var harness = SchedulerHarness()
        harness.handle(.launchStarted(launchID: "a"))
        harness.join("a")
        #expect(harness.machine.pendingLaunches == 0 && harness.machine.connectedWorkers == 1)
        harness.submit()
        harness.produce(3, finished: false)
        let lost = harness.handle(.lost(workerID: "a", reason: "connection closed"))
        let finished = try #require(lost.finished.first)
        #expect(finished.error?.message.hasPrefix("no usable workers left:") == true)
        // It says how the last worker went, not "no worker is configured".
        #expect(finished.error?.message.contains(": connection closed") == true, "\(finished.error?.message ?? "")")
        #expect(finished.error?.message.contains("no worker is configured") == false)
        #expect(lost.statistics.contains(.lost(workerID: "a", reason: "connection closed")))
    }
}
