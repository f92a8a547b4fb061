import Testing

@testable import FanoutCoordinator

@Suite("The listener's pending table, worker admissions and log rate limit")
struct ListenerAdmissionTests {
    @Test func aFullTableLetsTheNewcomerInAndClosesTheOldestThatSentNothing() {
        var table = PendingConnections<String>(limit: 3)
        let first = table.arrive("first")
        let second = table.arrive("second")
        _ = table.arrive("third")
        #expect(first.evicted == nil && table.count == 3)
        // The oldest sent its hello: it stays, the next oldest that sent nothing goes.
        table.record(first.key, progress: .greeted)
        let fourth = table.arrive("fourth")
        #expect(fourth.evicted == "second")
        #expect(!table.contains(second.key) && table.contains(first.key) && table.count == 3)
        #expect(table.arrive("fifth").evicted == "third")
        #expect(table.arrive("sixth").evicted == "fourth")
        #expect(table.arrive("seventh").evicted == "fifth")
    }

    @Test func whenEveryoneSentAHelloTheOldestGivesWay() {
        var table = PendingConnections<Int>(limit: 2)
        let a = table.arrive(1)
        let b = table.arrive(2)
        table.record(a.key, progress: .greeted)
        table.record(b.key, progress: .greeted)
        #expect(table.arrive(3).evicted == 1)
        let leftB = table.leave(b.key)
        let leftA = table.leave(a.key)
        #expect(leftB)
        #expect(!leftA, "already evicted")
        #expect(table.count == 1)
    }

    @Test func aHelloCanLowerTheGrantedSlotsButNeverRaiseThem() {
        let admissions = WorkerAdmissions()
        admissions.expect(workerID: "h-1", hostLabel: "h", slots: 4)
        admissions.expect(workerID: "h-2", hostLabel: "h", slots: 4)
        #expect(
            admissions.admit(claimedID: "h-1", claimedSlots: Int(UInt32.max))
                == .admit(workerID: "h-1", hostLabel: "h", slots: 4)
        )
        #expect(
            admissions.admit(claimedID: "h-2", claimedSlots: 2) == .admit(workerID: "h-2", hostLabel: "h", slots: 2)
        )
    }

    @Test func idsNotLaunchedOrAlreadyUsedAreRefused() {
        let admissions = WorkerAdmissions()
        admissions.expect(workerID: "h-1", hostLabel: "h", slots: 1)
        guard case .admit = admissions.admit(claimedID: "h-1", claimedSlots: 1) else {
            Issue.record("h-1 was launched")
            return
        }
        #expect(
            admissions.admit(claimedID: "h-1", claimedSlots: 1)
                == .refuse("worker 'h-1' is already connected or has been")
        )
        #expect(
            admissions.admit(claimedID: "ghost\u{1B}[2J", claimedSlots: 1)
                == .refuse("worker 'ghost\\u{1B}[2J' was not launched by this coordinator")
        )
        #expect(
            admissions.admit(claimedID: "", claimedSlots: 1)
                == .refuse("a worker without an id was not launched by this coordinator")
        )
        admissions.expect(workerID: "h-2", hostLabel: "h", slots: 1)
        admissions.withdraw(workerID: "h-2")
        #expect(
            admissions.admit(claimedID: "h-2", claimedSlots: 1)
                == .refuse("worker 'h-2' was not launched by this coordinator")
        )
    }

    @Test func workersLaunchedWithoutAnIdTakeAnonymousGrants() {
        let admissions = WorkerAdmissions()
        admissions.expect(workerID: nil, hostLabel: "lab", slots: 3)
        #expect(
            admissions.admit(claimedID: "", claimedSlots: 8) == .admit(workerID: "worker-1", hostLabel: "lab", slots: 3)
        )
        #expect(
            admissions.admit(claimedID: "", claimedSlots: 8)
                == .refuse("a worker without an id was not launched by this coordinator")
        )
    }

    @Test func logLinesPassInABurstThenAtTheRateAndCountWhatWasDropped() {
        var limit = LogRateLimit(burst: 3, perSecond: 2)
        let start = ContinuousClock.now
        for _ in 0..<3 { #expect(limit.admit(now: start) == 0) }
        #expect(limit.admit(now: start) == nil)
        #expect(limit.admit(now: start) == nil)
        #expect(limit.admit(now: start + .milliseconds(500)) == 2)
        #expect(limit.admit(now: start + .milliseconds(600)) == nil)
    }
}
