import FanoutJobs
import FanoutSessions
import Testing

@Suite("WorkloadCatalog")
struct WorkloadCatalogTests {
    @Test("the catalog lists every built-in workload once, in help order, and each job is in the builtin registry")
    func catalog() throws {
        #expect(WorkloadCatalog.names == ["sum-squares", "primes", "mandelbrot", "pi", "sleep", "noop"])
        for name in WorkloadCatalog.names {
            let type = try #require(WorkloadCatalog.workload(named: name))
            #expect(type.name == name)
        }
        #expect(WorkloadCatalog.workload(named: "no-such-job") == nil)
        let registered = Set(JobRegistry.builtin.names)
        for job in [SumSquares.name, Primes.name, Mandelbrot.name, MonteCarloPi.name, Sleep.name, Noop.name] {
            #expect(registered.contains(job), "\(job) is not in JobRegistry.builtin")
        }
    }

    @Test(
        "primes: the ranges cover [0, limit) exactly, without gaps or overlaps",
        arguments: [(10, 3), (1000, 7), (5, 5), (1_000_003, 100)]
    )
    func primesRangesCoverTheLimit(limit: UInt64, tasks: Int) {
        let workload = PrimesWorkload(limit: limit, tasks: tasks)
        #expect(workload.taskCount == tasks)
        var next: UInt64 = 0
        for index in 0..<workload.taskCount {
            let input = workload.input(at: index)
            #expect(input.lower == next)
            #expect(input.upper >= input.lower)
            next = input.upper
        }
        #expect(next == limit)
    }

    @Test("inputs: one per task, made from the parameters")
    func inputs() {
        let mandelbrot = MandelbrotWorkload(width: 7, height: 3, maxIterations: 50)
        #expect(mandelbrot.taskCount == 3)
        #expect((0..<3).map { mandelbrot.input(at: $0).row } == [0, 1, 2])
        #expect(mandelbrot.input(at: 2).width == 7 && mandelbrot.input(at: 2).maximumIterations == 50)
        let pi = PiWorkload(tasks: 4, samples: 10, seed: .max)
        #expect((0..<4).map { pi.input(at: $0).seed } == [.max, 0, 1, 2], "seed + i wraps instead of trapping")
        #expect(NoopWorkload(tasks: 5).input(at: 4) == 4)
        #expect(SleepWorkload(tasks: 3, milliseconds: 9).input(at: 2) == 9)
        #expect(SumSquaresWorkload(tasks: 2, n: 11, mask: 3).input(at: 1).mask == 3)
    }

    @Test("parameters strings are stable (journals are resumed only by the same ones)")
    func parameters() {
        #expect(PrimesWorkload().parameters == "--limit 5000000 --tasks 100")
        #expect(SumSquaresWorkload().parameters == "--tasks 32 --n 10000000")
        #expect(SumSquaresWorkload(tasks: 2, n: 5, mask: 9).parameters == "--tasks 2 --n 5 --mask 9")
        #expect(MandelbrotWorkload().parameters == "--width 800 --height 600 --max-iterations 1000")
        #expect(PiWorkload().parameters == "--tasks 100 --samples 2000000 --seed 2026")
        #expect(SleepWorkload().parameters == "--tasks 20 --milliseconds 100")
        #expect(NoopWorkload().parameters == "--tasks 100000")
    }

    @Test(
        "validation names the option and its range",
        arguments: [
            (
                PrimesWorkload(limit: 10, tasks: 11) as any Workload,
                "--tasks must be between 1 and --limit (10), got 11"
            ),
            (PrimesWorkload(limit: 0, tasks: 1), "--limit must be between 1 and 1000000000000, got 0"),
            (NoopWorkload(tasks: 0), "--tasks must be between 1 and 100000000, got 0"),
            (SleepWorkload(milliseconds: 3_600_001), "--milliseconds must be between 0 and 3600000, got 3600001"),
            (PiWorkload(samples: 0), "--samples must be between 1 and 1000000000000, got 0"),
            (SumSquaresWorkload(n: 1_000_000_000_001), "--n must be between 1 and 1000000000000, got 1000000000001"),
            (MandelbrotWorkload(width: 0), "--width must be between 1 and 65536, got 0"),
            (
                MandelbrotWorkload(width: 65_536, height: 65_536),
                "--width × --height must be at most 268435456 pixels, got 4294967296"
            ),
            (MandelbrotWorkload(maxIterations: 0), "--max-iterations must be between 1 and 1000000000, got 0"),
        ] as [(any Workload, String)]
    )
    func validation(workload: any Workload, message: String) {
        let error = #expect(throws: SessionError.self) { try workload.validate() }
        #expect(error?.code == .invalidParameters)
        #expect(error?.message == message)
    }

    @Test("the defaults are valid")
    func defaultsAreValid() throws {
        for workload in [
            PrimesWorkload() as any Workload, SumSquaresWorkload(), MandelbrotWorkload(), PiWorkload(), SleepWorkload(),
            NoopWorkload(),
        ] {
            try workload.validate()
        }
    }

    @Test("accumulators: honest outputs are summed, impossible ones counted apart")
    func accumulators() throws {
        let primes = PrimesWorkload(limit: 100, tasks: 4)
        var total = primes.makeAccumulator()
        for index in 0..<4 { total.add(index: index, output: try Primes.run(primes.input(at: index))) }
        total.add(index: 0, output: .max)
        #expect(try total.summary() == ["primes below 100: 25", "counts larger than their range (ignored): 1"])

        var squares = SumSquaresWorkload(tasks: 2, n: 1000).makeAccumulator()
        squares.add(index: 0, output: SumSquaresWorkload.closedForm(1000))
        squares.add(index: 1, output: 7)
        #expect(try squares.summary().last == "tasks checked against the closed formula: 1 correct, 1 wrong")
        #expect(SumSquaresWorkload.closedForm(1000) == (0..<1000).reduce(0) { $0 + $1 * $1 })

        var echo = NoopWorkload(tasks: 2).makeAccumulator()
        echo.add(index: 0, output: 0)
        echo.add(index: 1, output: 5)
        #expect(try echo.summary() == ["outputs equal to their task index: 1 of 2"])
    }

    @Test("a Mandelbrot image that cannot be written is a summary error naming the file")
    func mandelbrotUnwritable() {
        let accumulator = MandelbrotWorkload(width: 2, height: 1, output: "/nonexistent-dir/x.pgm").makeAccumulator()
        let error = #expect(throws: SessionError.self) { try accumulator.summary() }
        #expect(error?.code == .summary)
        #expect(error?.message.hasPrefix("cannot write /nonexistent-dir/x.pgm: ") == true)
    }
}
