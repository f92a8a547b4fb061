import FanoutBench
import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import NIOCore
import NIOPosix

extension WorkloadRunner {
    /// The concurrency-versus-parallelism experiments: the CPU-bound kernel on one event loop (no speedup) beside
    /// threads, processes and hosts; the I/O-bound `sleep` kernel with many waits in flight on one thread (a large
    /// speedup) and on more event loops (no further gain), and on worker processes (capped by their slots).
    func lessons(report: BenchReport) async throws -> [LessonRow] {
        var rows: [LessonRow] = []
        let cores = self.request.localWorkers
        let kernel = "CPU-bound (\(W.J.name))"
        if let sequential = report.modes.first(where: { $0.mode == "sequential" }) {
            rows.append(
                LessonRow(
                    kernel: kernel,
                    tool: "1 thread, one task after another",
                    inFlight: 1,
                    cores: 1,
                    wall: sequential.wall,
                    speedup: 1,
                    verdict: "baseline",
                    note: "the sequential mode"
                )
            )
        }
        let baseline = report.sequentialSeconds
        let onLoop = try await self.measureOnOneEventLoop(self.workload)
        rows.append(
            LessonRow(
                kernel: kernel,
                tool: "async tasks on 1 event loop (all submitted at once)",
                inFlight: self.workload.taskCount,
                cores: 1,
                wall: onLoop,
                speedup: baseline.flatMap { BenchStatistics.speedup(baseline: $0, parallel: onLoop.median) },
                verdict: "wrong tool",
                note: "concurrency without parallelism: one thread runs every task in turn"
            )
        )
        for (mode, tool, note) in [
            ("threads", "threads in 1 process", "one thread per core, shared memory"),
            ("local", "worker processes on this machine", "one process per core, over the protocol"),
            ("remote", "worker processes on remote hosts", "more machines, more cores"),
            ("all", "local + remote worker processes", "every core of the cluster"),
        ] {
            guard let result = report.modes.first(where: { $0.mode == mode }) else { continue }
            rows.append(
                LessonRow(
                    kernel: kernel,
                    tool: tool,
                    inFlight: result.coresUsed,
                    cores: result.coresUsed,
                    wall: result.wall,
                    speedup: result.speedup,
                    verdict: (result.efficiency ?? 0) >= 0.5 ? "right tool" : "right tool, too little work",
                    note: note
                )
            )
        }

        // The I/O-bound kernel: each task waits, using no CPU.
        let tasks = self.request.sleepTasks
        let milliseconds = self.request.sleepMilliseconds
        let sleepKernel = "I/O-bound (sleep \(milliseconds) ms × \(tasks))"
        let sleepWorkload = SleepWorkload(tasks: tasks, milliseconds: milliseconds)
        let sequentialSleep = try await self.measureSequential(sleepWorkload)
        rows.append(
            LessonRow(
                kernel: sleepKernel,
                tool: "1 thread, one wait after another",
                inFlight: 1,
                cores: 1,
                wall: sequentialSleep,
                speedup: 1,
                verdict: "baseline",
                note: "blocking calls, one at a time"
            )
        )
        func speedup(_ wall: TimingSummary) -> Double? {
            BenchStatistics.speedup(baseline: sequentialSleep.median, parallel: wall.median)
        }
        let oneLoop = try await self.measureTimers(tasks: tasks, milliseconds: milliseconds, loops: 1)
        rows.append(
            LessonRow(
                kernel: sleepKernel,
                tool: "async timers on 1 event loop",
                inFlight: tasks,
                cores: 1,
                wall: oneLoop,
                speedup: speedup(oneLoop),
                verdict: "right tool",
                note: "concurrency alone: every wait in flight on one thread"
            )
        )
        if cores > 1 {
            let manyLoops = try await self.measureTimers(tasks: tasks, milliseconds: milliseconds, loops: cores)
            rows.append(
                LessonRow(
                    kernel: sleepKernel,
                    tool: "async timers on \(cores) event loops",
                    inFlight: tasks,
                    cores: cores,
                    wall: manyLoops,
                    speedup: speedup(manyLoops),
                    verdict: "no gain from cores",
                    note: "more cores do not shorten waiting"
                )
            )
        }
        let threads = try await self.measureThreads(sleepWorkload, threads: tasks)
        rows.append(
            LessonRow(
                kernel: sleepKernel,
                tool: "\(tasks) threads, blocking waits",
                inFlight: tasks,
                cores: cores,
                wall: threads,
                speedup: speedup(threads),
                verdict: "works, heavier",
                note: "a thread (and its stack) per wait"
            )
        )
        let processes = try await self.measureSleepOnWorkers(sleepWorkload)
        rows.append(
            LessonRow(
                kernel: sleepKernel,
                tool: "\(processes.slots) worker processes (1 slot each)",
                inFlight: processes.slots,
                cores: processes.slots,
                wall: processes.wall,
                speedup: speedup(processes.wall),
                verdict: "wrong tool",
                note: "parallelism caps the waits in flight at the slots (timed after the workers joined)"
            )
        )
        return rows
    }

    /// Every task submitted at once to one event loop: they all run, one after another, on its one thread.
    func measureOnOneEventLoop<V: Workload>(_ workload: V) async throws -> TimingSummary {
        try await self.repeated("1 event loop \(V.J.name)") {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let loop = group.next()
            let stopwatch = Stopwatch()
            let futures = (0..<workload.taskCount).map { index in
                loop.submit { try V.J.run(workload.input(at: index)) }
            }
            let results = try await EventLoopFuture.whenAllComplete(futures, on: loop).get()
            let seconds = stopwatch.seconds
            try await group.shutdownGracefully()
            let failed = results.filter { if case .failure = $0 { return true } else { return false } }.count
            guard failed == 0 else { throw BenchError(.taskFailed, "\(failed) tasks failed on the event loop") }
            return seconds
        }
    }

    /// `tasks` waits of `milliseconds` as timers spread over `loops` event loops, all in flight at once.
    func measureTimers(tasks: Int, milliseconds: UInt32, loops: Int) async throws -> TimingSummary {
        try await self.repeated("timers on \(loops) event loop(s)") {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
            let eventLoops = Array(group.makeIterator())
            let stopwatch = Stopwatch()
            let futures = (0..<tasks).map { index in
                eventLoops[index % eventLoops.count].scheduleTask(in: .milliseconds(Int64(milliseconds))) {}
                    .futureResult
            }
            try await EventLoopFuture.andAllSucceed(futures, on: eventLoops[0]).get()
            let seconds = stopwatch.seconds
            try await group.shutdownGracefully()
            return seconds
        }
    }

    /// The sleep workload on local worker processes, one slot each (the cluster file's `local.slots` ignored), timed
    /// from every worker joined to the last result.
    func measureSleepOnWorkers(_ workload: SleepWorkload) async throws -> (wall: TimingSummary, slots: Int) {
        var options = self.request.clusterOptions(localWorkers: self.request.localWorkers, hosts: [])
        options.configuration.local.slots = .count(1)
        var slots = 0
        let wall = try await self.repeated("sleep on \(self.request.localWorkers) worker processes") {
            let run = try await ClusterRunMeasurement.measure(options, workload: workload)
            slots = run.totalSlots
            // The waits only: starting the processes is not what this row is about.
            return run.lastResult - run.launch
        }
        return (wall, slots)
    }
}
