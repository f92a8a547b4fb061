import Testing

@testable import FanoutCoordinator

@Suite("OverdueTasks, SpeculationPolicy, EndOfRunMoves, PendingTask.oldest")
struct OverdueAndSpeculationTests {
    private static func worker(
        _ id: String,
        slots: Int = 1,
        tasks: [(UInt64, sentAt: UInt64)] = [],
        average: Double = 0
    ) -> WorkerState {
        var worker = WorkerState(WorkerDescription(id: id, host: "host-\(id)", slots: slots))
        for (taskID, sentAt) in tasks {
            worker.inFlight[taskID] = PendingTask(id: taskID, input: [], attempts: 1, sentAt: sentAt)
        }
        if average > 0 {
            worker.averageTaskNanoseconds = average
            worker.timedTasks = 1
        }
        return worker
    }

    @Test("ticks come every quarter of the task timeout, between 10 ms and 250 ms")
    func tickInterval() {
        #expect(OverdueTasks.tickNanoseconds(taskTimeoutNanoseconds: 1_000_000) == 10_000_000)
        #expect(OverdueTasks.tickNanoseconds(taskTimeoutNanoseconds: 400_000_000) == 100_000_000)
        #expect(OverdueTasks.tickNanoseconds(taskTimeoutNanoseconds: 60_000_000_000) == 250_000_000)
    }

    @Test("a task is overdue past the timeout plus the grace from when it could start, queued time not counted")
    func overdueFromRunnable() {
        var settings = SchedulerSettings()
        settings.taskTimeoutNanoseconds = 1_000_000_000
        settings.taskTimeoutGraceNanoseconds = 500_000_000
        var overdue = OverdueTasks(settings: settings)
        // One slot: task 1 runs, task 2 waits behind it.
        let workers = ["w": Self.worker("w", tasks: [(1, 0), (2, 1)])]
        let start: UInt64 = 1_000_000_000
        let first = overdue.overdue(workers: workers, order: ["w"], now: start)
        #expect(first.isEmpty)
        #expect(overdue.runnableSince["w"]?.keys.sorted() == [1])
        let early = overdue.overdue(workers: workers, order: ["w"], now: start + 1_400_000_000)
        #expect(early.isEmpty)
        let verdicts = overdue.overdue(workers: workers, order: ["w"], now: start + 1_600_000_000)
        #expect(verdicts == [OverdueTasks.Verdict(workerID: "w", taskID: 1)])
        // Task 1 answered; task 2 only now became runnable: its clock starts now.
        let later = ["w": Self.worker("w", tasks: [(2, 1)])]
        let afterAnswer = overdue.overdue(workers: later, order: ["w"], now: start + 2_000_000_000)
        #expect(afterAnswer.isEmpty)
        #expect(overdue.runnableSince["w"]?[2] == start + 2_000_000_000)
        #expect(overdue.reason(taskIndex: 1).contains("within scheduling.task_timeout (1.0 s) plus 0.5 s"))
    }

    @Test("without a task timeout nothing is ever overdue")
    func noTimeout() {
        var overdue = OverdueTasks(settings: SchedulerSettings())
        let workers = ["w": Self.worker("w", tasks: [(1, 0)])]
        #expect(overdue.overdue(workers: workers, order: ["w"], now: UInt64.max).isEmpty)
    }

    @Test("the oldest n tasks come back oldest first, ties broken by id")
    func oldest() {
        let tasks = [(5, 30), (1, 10), (4, 10), (2, 20), (3, 5)].map {
            PendingTask(id: UInt64($0.0), input: [], attempts: 1, sentAt: UInt64($0.1))
        }
        #expect(PendingTask.oldest(3, of: tasks).map(\.id) == [3, 1, 4])
        #expect(PendingTask.oldest(0, of: tasks).isEmpty)
        #expect(PendingTask.oldest(10, of: tasks).map(\.id) == [3, 1, 4, 2, 5])
    }

    @Test("a straggler gets one copy on an idle worker once it is out 4 typical task times (at least 100 ms)")
    func straggler() {
        var policy = SpeculationPolicy()
        let busy = Self.worker("busy", tasks: [(1, 0)], average: 10_000_000)
        let idle = Self.worker("idle", average: 10_000_000)
        let workers = ["busy": busy, "idle": idle]
        #expect(policy.copies(workers: workers, order: ["busy", "idle"], copies: [:], now: 50_000_000).isEmpty)
        let copies = policy.copies(workers: workers, order: ["busy", "idle"], copies: [:], now: 150_000_000)
        #expect(copies.map(\.task.id) == [1] && copies.first?.workerID == "idle" && copies.first?.ownerID == "busy")
        #expect(
            policy.copies(workers: workers, order: ["busy", "idle"], copies: [:], now: 160_000_000).isEmpty,
            "looked at most every 20 ms"
        )
        #expect(
            policy.copies(workers: workers, order: ["busy", "idle"], copies: [1: ["busy", "idle"]], now: 200_000_000)
                .isEmpty,
            "copied at most once"
        )
    }

    @Test("a queued task behind a running one is not a straggler")
    func queuedIsNotStraggler() {
        var policy = SpeculationPolicy()
        let busy = Self.worker("busy", tasks: [(1, 100_000_000), (2, 0)], average: 1_000_000)
        // Task 2 was sent first and runs; task 1 is queued and is not copied however long it waits.
        let workers = ["busy": busy, "idle": Self.worker("idle", average: 1_000_000)]
        let copies = policy.copies(workers: workers, order: ["busy", "idle"], copies: [:], now: 1_000_000_000)
        #expect(copies.map(\.task.id) == [2])
    }

    @Test("at the end of a run an idle worker takes the last queued task of the most loaded worker, if long")
    func endOfRunMove() {
        let idle = Self.worker("idle", average: 10_000_000)
        let owner = Self.worker("owner", tasks: [(1, 0), (2, 1), (3, 2)], average: 10_000_000)
        let move = EndOfRunMoves.nextMove(to: idle, from: ["owner": owner], copies: [:])
        #expect(move?.ownerID == "owner" && move?.task.id == 3)
        #expect(EndOfRunMoves.nextMove(to: idle, from: ["owner": owner], copies: [3: []])?.task.id == 2)
        let short = Self.worker("owner", tasks: [(1, 0), (2, 1)], average: 1_000)
        #expect(EndOfRunMoves.nextMove(to: idle, from: ["owner": short], copies: [:]) == nil, "not worth a round trip")
    }
}
