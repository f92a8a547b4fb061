/// Times every case in interleaved rounds.
struct Runner {
    var cases: [BenchmarkCase]
    var options: Options

    private let clock = ContinuousClock()

    init(cases: [BenchmarkCase], options: Options) {
        self.cases = cases
        self.options = options
    }

    /// Calibrates each case's batch, runs one warm-up round, then the measured rounds.
    func run() throws -> [CaseResult] {
        let target = Double(self.options.batchMilliseconds) * 1_000_000
        var results = try self.cases.map { benchmarkCase in
            CaseResult(
                benchmarkCase: benchmarkCase,
                iterationsPerBatch: try self.calibrate(benchmarkCase, targetNanoseconds: target),
                nanosecondsPerOperation: []
            )
        }
        for round in 0...self.options.rounds {
            for index in results.indices.shuffled() {
                let iterations = results[index].iterationsPerBatch
                let elapsed = try self.time(results[index].benchmarkCase, iterations: iterations)
                // Round 0 warms caches and branch predictors after calibration's uneven batches.
                if round > 0 {
                    results[index].nanosecondsPerOperation.append(elapsed / Double(iterations))
                }
            }
        }
        return results
    }

    /// The number of iterations that takes about `targetNanoseconds`.
    private func calibrate(_ benchmarkCase: BenchmarkCase, targetNanoseconds: Double) throws -> Int {
        var iterations = 1
        while true {
            let elapsed = try self.time(benchmarkCase, iterations: iterations)
            if elapsed >= targetNanoseconds / 4 || iterations >= 1 << 30 {
                let scaled = Double(iterations) * targetNanoseconds / max(elapsed, 1)
                return max(1, Int(scaled.rounded()))
            }
            iterations *= elapsed < targetNanoseconds / 64 ? 8 : 2
        }
    }

    private func time(_ benchmarkCase: BenchmarkCase, iterations: Int) throws -> Double {
        let start = self.clock.now
        try benchmarkCase.run(iterations)
        let elapsed = self.clock.now - start
        let (seconds, attoseconds) = elapsed.components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}
