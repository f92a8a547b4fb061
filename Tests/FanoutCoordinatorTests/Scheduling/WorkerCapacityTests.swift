import Testing

@testable import FanoutCoordinator

@Suite("How many tasks a worker holds: prefetch, latency budget, round trip")
struct WorkerCapacityTests {
    fileprivate static func worker(slots: Int) -> WorkerState {
        WorkerState(WorkerDescription(id: "w", host: "h", slots: slots, processID: 1))
    }

    /// Finishes `count` tasks of `busy` ns each, answered `roundTrip` ns after they were sent (plus their run time).
    fileprivate static func finish(
        _ worker: inout WorkerState,
        count: Int,
        busy: UInt64,
        roundTrip: UInt64
    ) {
        for index in 0..<UInt64(count) {
            let sentAt = 1_000_000_000 + index * 1_000_000
            worker.record(busyNanoseconds: busy)
            worker.record(sentAt: sentAt, now: sentAt + roundTrip + busy, busyNanoseconds: busy)
        }
    }

    /// The capacity with the default limits among `workers` workers: each one's share of the cluster-wide bound
    /// is 65,536 ÷ `workers` (32 by default here: 2,048, no more than the usual limit).
    fileprivate static func capacity(_ worker: WorkerState, workers: Int = 32) -> Int {
        DispatchWindow(settings: SchedulerSettings()).capacity(of: worker, workerCount: workers)
    }

    @Test func beforeAnyResultOnlyPrefetch() {
        #expect(Self.capacity(Self.worker(slots: 2)) == 6)
    }

    @Test func shortTasksOnAFastLinkFillTheLatencyBudgetUpToTheLimit() {
        var worker = Self.worker(slots: 2)
        Self.finish(&worker, count: 50, busy: 10_000, roundTrip: 100_000)
        #expect(Self.capacity(worker) == 1_000)  // 2 slots × 5 ms / 10 µs
        var tiny = Self.worker(slots: 2)
        Self.finish(&tiny, count: 50, busy: 1_000, roundTrip: 100_000)
        #expect(Self.capacity(tiny) == 2_048)  // 10,000 wanted, the usual limit
    }

    @Test func aSlowLinkGetsTwoRoundTripsOfWorkUpToTheUsualLimit() {
        var worker = Self.worker(slots: 2)
        Self.finish(&worker, count: 50, busy: 100_000, roundTrip: 20_000_000)
        #expect(Self.capacity(worker) == 800)  // 2 slots × 40 ms / 100 µs (a fast link: 2 × 5 ms / 100 µs = 100)
        var tiny = Self.worker(slots: 2)
        Self.finish(&tiny, count: 50, busy: 1_000, roundTrip: 20_000_000)
        #expect(Self.capacity(tiny) == 2_048)
    }

    @Test func theRoundTripIsTheShortestSeen() {
        var worker = Self.worker(slots: 1)
        Self.finish(&worker, count: 10, busy: 10_000, roundTrip: 50_000_000)
        Self.finish(&worker, count: 1, busy: 10_000, roundTrip: 10_000_000)
        Self.finish(&worker, count: 10, busy: 10_000, roundTrip: 30_000_000)
        #expect(worker.roundTripNanoseconds == 10_000_000)
    }

    @Test func longTasksNeedOnlyPrefetch() {
        var worker = Self.worker(slots: 2)
        Self.finish(&worker, count: 5, busy: 100_000_000, roundTrip: 20_000_000)
        #expect(Self.capacity(worker) == 6)
    }
}

extension WorkerCapacityTests {
    @Test func aNewRunForgetsTheLastRunsTaskLengthButNotTheRoundTrip() {
        var worker = Self.worker(slots: 2)
        Self.finish(&worker, count: 50, busy: 1_000, roundTrip: 100_000)
        #expect(Self.capacity(worker) == 2_048)
        worker.startRun()
        // A run of a new job (its tasks may take 1 ms): only prefetch until its first result is in.
        #expect(Self.capacity(worker) == 6)
        #expect(worker.roundTripNanoseconds == 100_000)
        Self.finish(&worker, count: 5, busy: 1_000_000, roundTrip: 100_000)
        #expect(Self.capacity(worker) == 10)  // 2 slots × 5 ms / 1 ms
    }
}

extension WorkerCapacityTests {
    @Test func aSlowLinkMayTakeTheWorkersShareOfTheClusterWindow() {
        // 3 workers on a 20 ms link: each may hold 65,536 ÷ 3 for its round trips; 1 µs tasks want 80,000.
        var tiny = Self.worker(slots: 2)
        Self.finish(&tiny, count: 50, busy: 1_000, roundTrip: 20_000_000)
        #expect(Self.capacity(tiny, workers: 3) == 21_845)
        // 10 µs tasks want 2 slots × 40 ms / 10 µs = 8,000, within the share.
        var short = Self.worker(slots: 2)
        Self.finish(&short, count: 50, busy: 10_000, roundTrip: 20_000_000)
        #expect(Self.capacity(short, workers: 3) == 8_000)
    }

    @Test func theShareNeverWidensTheLatencyBudgetAndNeverFallsBelowTheUsualLimit() {
        // On a fast link the share does not matter: 5 ms of 1 µs tasks stays at the usual limit.
        var fast = Self.worker(slots: 2)
        Self.finish(&fast, count: 50, busy: 1_000, roundTrip: 100_000)
        #expect(Self.capacity(fast, workers: 1) == 2_048)
        // 64 workers share 65,536: 1,024 each, but a worker keeps the usual limit (the load test's regime).
        var crowded = Self.worker(slots: 2)
        Self.finish(&crowded, count: 50, busy: 1_000, roundTrip: 20_000_000)
        #expect(Self.capacity(crowded, workers: 64) == 2_048)
    }
}
