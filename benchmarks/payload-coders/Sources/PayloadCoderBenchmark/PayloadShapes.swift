import FanoutJobs

/// The payloads Fanout jobs carry, from the smallest (a range of two integers, a no-op's task) to the largest a
/// short task commonly returns.
enum PayloadShapes {
    static let primesInput = Primes.Input(lower: 1_000_000_000, upper: 1_000_050_000)

    static let mandelbrotInput = Mandelbrot.Input(row: 417, width: 1_024, height: 768, maximumIterations: 1_000)

    /// What `fanout exec 'gzip -9 {}' ::: FILES` sends per task: a command line, two environment entries, a run id.
    static let execInput = ExecInput(
        arguments: [
            ExecWord(Array("sh".utf8)), ExecWord(Array("-c".utf8)),
            ExecWord(parts: [Array("gzip -9 data/part-".utf8), Array(".csv".utf8)]),
        ],
        environment: [Array("LC_ALL=C".utf8), Array("FANOUT_RUN=7f3a9c".utf8)],
        sequence: 1_234,
        runID: "7f3a9c2e-5b1d-4e8f-a6c0-91d2b3e4f5a6",
        timeoutMilliseconds: 60_000
    )

    /// What such a task returns: a line of output, timings, its slot.
    static let execOutput = ExecOutput(
        standardOutput: Array("data/part-1234.csv:\t 71.3% -- replaced with data/part-1234.csv.gz\n".utf8),
        exitStatus: 0,
        startMilliseconds: 1_796_000_000_123,
        runtimeNanoseconds: 18_250_000,
        slot: 3
    )

    static let doubles: [Double] = (0..<1_000).map { Double($0) * 0.001 + 1.0 / 3.0 }

    static let mandelbrotRow = Mandelbrot.Row(
        row: 417,
        pixels: (0..<1_024).map { UInt8(truncatingIfNeeded: $0 &* 37 >> 3) }
    )

    /// Every case of every shape with every coder, in a fixed order.
    static func cases() throws -> [BenchmarkCase] {
        var cases: [BenchmarkCase] = []
        for coder in Coder.allCases {
            cases += try BenchmarkCase.pair(shape: "Primes.Input (2 × UInt64)", value: Self.primesInput, coder: coder)
            cases += try BenchmarkCase.pair(
                shape: "Mandelbrot.Input (4 × Int)",
                value: Self.mandelbrotInput,
                coder: coder
            )
            cases += try BenchmarkCase.pair(shape: "ExecInput (exec task)", value: Self.execInput, coder: coder)
            cases += try BenchmarkCase.pair(shape: "ExecOutput (exec result)", value: Self.execOutput, coder: coder)
            cases += try BenchmarkCase.pair(shape: "NestedRecord (optionals)", value: NestedRecord.sample, coder: coder)
            cases += try BenchmarkCase.pair(shape: "[Double] × 1,000", value: Self.doubles, coder: coder)
            cases += try BenchmarkCase.pair(shape: "Mandelbrot.Row (1,024 B)", value: Self.mandelbrotRow, coder: coder)
        }
        return cases
    }
}
