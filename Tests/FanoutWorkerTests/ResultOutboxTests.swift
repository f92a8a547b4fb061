import FanoutProtocol
import Testing

@testable import FanoutWorker

@Suite("Results waiting to be sent: batching and how long a result may wait")
struct ResultOutboxTests {
    fileprivate static func completion(_ id: UInt64, busy: UInt64) -> TaskCompletion {
        TaskCompletion(taskID: id, outcome: .success([1, 2, 3]), busyNanoseconds: busy)
    }

    @Test func anIdleOrNearlyIdleWorkerSendsAtOnce() {
        let outbox = ResultOutbox()
        outbox.append(Self.completion(1, busy: 1_000_000))
        #expect(outbox.lingerNanoseconds(waitingTasks: 0, slots: 1) == 0)
        #expect(outbox.lingerNanoseconds(waitingTasks: 3, slots: 4) == 0)
    }

    @Test func aBusyWorkerWaitsAtMostHalfItsQueuedWork() {
        let outbox = ResultOutbox()
        for id in 0..<10 { outbox.append(Self.completion(UInt64(id), busy: 1_000_000)) }
        // 3 tasks of 1 ms queued for 1 slot: 3 ms of work, so at most 1.5 ms.
        #expect(outbox.lingerNanoseconds(waitingTasks: 3, slots: 1) == 1_500_000)
        // The same 3 tasks shared by 2 slots keep them busy half as long.
        #expect(outbox.lingerNanoseconds(waitingTasks: 3, slots: 2) == 750_000)
    }

    @Test func theWaitIsCappedForLongQueues() {
        let outbox = ResultOutbox()
        outbox.append(Self.completion(1, busy: 10_000_000))
        #expect(outbox.lingerNanoseconds(waitingTasks: 100, slots: 1) == ResultOutbox.maximumLingerNanoseconds)
    }

    @Test func drainTakesEverythingPendingInOneBatchUpToTheByteLimit() {
        let outbox = ResultOutbox()
        for id in 0..<5 { outbox.append(Self.completion(UInt64(id), busy: 1)) }
        #expect(outbox.drain(maximumBytes: 1 << 20).map(\.taskID) == [0, 1, 2, 3, 4])
        #expect(outbox.drain(maximumBytes: 1 << 20).isEmpty)
        for id in 5..<8 { outbox.append(Self.completion(UInt64(id), busy: 1)) }
        // Each result counts as 27 bytes here: two fit in 60, the third waits for the next frame.
        #expect(outbox.drain(maximumBytes: 60).map(\.taskID) == [5, 6])
        #expect(outbox.drain(maximumBytes: 60).map(\.taskID) == [7])
    }
}
