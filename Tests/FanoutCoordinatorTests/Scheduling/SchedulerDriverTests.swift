import FanoutProtocol
import Logging
import NIOEmbedded
import Testing

@testable import FanoutCoordinator

@Suite("Scheduler (the driver): performs directives, answers waits without polling")
struct SchedulerDriverTests {
    private static func handle(_ id: String, slots: Int = 1) -> (WorkerHandle, AsyncStream<WireMessage>) {
        let (messages, outbox) = AsyncStream.makeStream(of: WireMessage.self)
        let handle = WorkerHandle(
            id: id,
            host: "host-\(id)",
            slots: slots,
            processID: 1,
            outbox: outbox,
            channel: EmbeddedChannel()
        )
        return (handle, messages)
    }

    private static func scheduler() -> Scheduler {
        Scheduler(settings: SchedulerSettings(), logger: Logger(label: "test"))
    }

    @Test("a run through the driver: tasks reach the worker's outbox, results reach the caller, the run ends")
    func runThroughDriver() async throws {
        let scheduler = Self.scheduler()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await scheduler.run() }
            let (worker, messages) = Self.handle("a")
            scheduler.join(worker)
            let inputs = (0..<3).map { [UInt8($0)] }.makeIterator()
            let box = IteratorBox(inputs)
            let run = RunRequest(
                job: "noop",
                results: ResultChannel(highWaterMark: 100) {},
                pull: { box.next().map { .encoded($0) } }
            )
            scheduler.submit(run)
            // Answer every task as it arrives, echoing its input.
            var answered = 0
            for await message in messages {
                guard case .taskBatch(let batch) = message else { continue }
                let results = batch.tasks.map {
                    TaskCompletion(taskID: $0.taskID, outcome: .success($0.input), busyNanoseconds: 1)
                }
                scheduler.post(.completed(workerID: "a", results: results))
                answered += results.count
                if answered == 3 { break }
            }
            var outputs: [UInt64: TaskOutcome] = [:]
            while true {
                let batch = try await run.results.nextBatch()
                if batch.isEmpty { break }
                for result in batch { outputs[result.index] = result.outcome }
            }
            #expect(outputs == [0: .success([0]), 1: .success([1]), 2: .success([2])])
            #expect(scheduler.statistics.workers.first?.completed == 3)
            scheduler.stop()
            try await group.waitForAll()
        }
    }

    @Test("a wait for workers is answered when one joins; the wait for none connected when it is lost")
    func waitsResumeOnEvents() async throws {
        let scheduler = Self.scheduler()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await scheduler.run() }
            async let joined = scheduler.wait(until: .workersConnected(1))
            let (worker, _) = Self.handle("a")
            scheduler.join(worker)
            #expect(await joined)
            #expect(scheduler.statistics.connectedWorkers == 1)
            async let gone = scheduler.wait(until: .noWorkersConnected)
            scheduler.post(.lost(workerID: "a", reason: "connection closed"))
            #expect(await gone)
            scheduler.stop()
        }
    }

    @Test("a wait for launches is answered after the launch events posted before it")
    func launchesSettle() async throws {
        let scheduler = Self.scheduler()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await scheduler.run() }
            scheduler.post(.launchStarted(launchID: "a"))
            async let settled = scheduler.wait(until: .launchesSettled)
            scheduler.post(.launchEnded(launchID: "a", reason: "exited with status 1"))
            #expect(await settled)
            #expect(scheduler.statistics.pendingLaunches == 0)
            scheduler.stop()
        }
    }

    @Test("a wait that times out says so; one cancelled ends at once; after stop every wait returns false")
    func timeoutsAndCancellation() async throws {
        let scheduler = Self.scheduler()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await scheduler.run() }
            let met = try? await scheduler.wait(until: .workersConnected(1), timeout: .milliseconds(20))
            #expect(met == false)
            let cancelled = await withTaskGroup(of: Bool.self) { waiters in
                waiters.addTask { await scheduler.wait(until: .workersConnected(5)) }
                waiters.cancelAll()
                return await waiters.next() ?? true
            }
            #expect(cancelled == false)
            scheduler.stop()
        }
        #expect(await scheduler.wait(until: .workersConnected(0)) == false)
    }
}

/// Lets the producer task pull from a test's iterator.
private final class IteratorBox<Base: IteratorProtocol>: @unchecked Sendable {
    private var base: Base
    init(_ base: Base) { self.base = base }
    func next() -> Base.Element? { self.base.next() }
}
