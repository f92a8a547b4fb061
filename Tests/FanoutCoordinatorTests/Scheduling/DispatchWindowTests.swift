import Testing

@testable import FanoutCoordinator

@Suite("DispatchWindow: prefetch, latency budget, round trips, cluster bound, result bytes")
struct DispatchWindowTests {
    private static func worker(slots: Int, averageNanoseconds: Double = 0, roundTrip: Double = .infinity) -> WorkerState
    {
        var worker = WorkerState(WorkerDescription(id: "w", host: "h", slots: slots))
        if averageNanoseconds > 0 {
            worker.averageTaskNanoseconds = averageNanoseconds
            worker.timedTasks = 1
        }
        worker.roundTripNanoseconds = roundTrip
        return worker
    }

    @Test("before any result, a worker holds one running and `prefetch` queued tasks per slot")
    func prefetchOnly() {
        var settings = SchedulerSettings()
        settings.prefetch = 2
        let window = DispatchWindow(settings: settings)
        #expect(window.capacity(of: Self.worker(slots: 4), workerCount: 1) == 12)
        #expect(window.room(for: Self.worker(slots: 4), workerCount: 1) == 12)
    }

    @Test("short tasks widen the window to cover the latency budget, up to adaptive_limit")
    func latencyBudget() {
        var settings = SchedulerSettings()
        settings.latencyBudgetNanoseconds = 5_000_000
        settings.adaptiveLimit = 2_048
        let window = DispatchWindow(settings: settings)
        // 10 µs tasks on 2 slots: 2 × 5 ms / 10 µs = 1,000 tasks.
        #expect(window.capacity(of: Self.worker(slots: 2, averageNanoseconds: 10_000), workerCount: 1) == 1_000)
        // 1 µs tasks would be 10,000: capped.
        #expect(window.capacity(of: Self.worker(slots: 2, averageNanoseconds: 1), workerCount: 1) == 2_048)
        // Long tasks: the prefetch base wins.
        #expect(window.capacity(of: Self.worker(slots: 2, averageNanoseconds: 1e9), workerCount: 1) == 6)
    }

    @Test("a slow link widens the window to two round trips, bounded by the worker's share of max_in_flight")
    func roundTrip() {
        var settings = SchedulerSettings()
        settings.adaptiveLimit = 100
        settings.clusterInFlightLimit = 10_000
        let window = DispatchWindow(settings: settings)
        let slow = Self.worker(slots: 1, averageNanoseconds: 1_000_000, roundTrip: 1e9)
        // Two round trips of 1 ms tasks = 2,000 tasks; one worker may take up to 10,000.
        #expect(window.capacity(of: slow, workerCount: 1) == 2_000)
        // With 10 workers its share is 1,000.
        #expect(window.capacity(of: slow, workerCount: 10) == 1_000)
        // With 1,000 workers the share (10) is below adaptive_limit, which then bounds it.
        #expect(window.capacity(of: slow, workerCount: 1_000) == 100)
    }

    @Test("large results bound the tasks out by what they will bring back, never below the slots")
    func resultBytes() {
        var settings = SchedulerSettings()
        settings.outstandingResultByteLimit = 100 << 20
        var window = DispatchWindow(settings: settings)
        let worker = Self.worker(slots: 4, averageNanoseconds: 10_000)
        let before = window.room(for: worker, workerCount: 1)
        window.record(resultBytes: 10 << 20)
        #expect(window.room(for: worker, workerCount: 1) == 9, "100 MiB / ~10 MiB results")
        window.record(resultBytes: 1 << 30)
        for _ in 0..<50 { window.record(resultBytes: 1 << 30) }
        #expect(window.room(for: worker, workerCount: 1) == 4, "never fewer than its slots")
        window.startRun()
        #expect(window.room(for: worker, workerCount: 1) == before, "a new run forgets the result size")
    }

    @Test("room is what the window leaves after the tasks already out")
    func roomLessInFlight() {
        let window = DispatchWindow(settings: SchedulerSettings())
        var worker = Self.worker(slots: 1)
        worker.inFlight[7] = PendingTask(id: 7, input: [], attempts: 1)
        #expect(window.room(for: worker, workerCount: 1) == 2)
    }
}
