import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import Testing

extension IntegrationSuite {
    /// Checks that every input produced exactly one successful result equal to running the job in this process.
    private func expectSameAsSequential<J: Job>(
        _ job: J.Type,
        _ inputs: [J.Input],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws where J.Output: Equatable {
        let expected = try inputs.map { try J.run($0) }
        let (results, workers) = try await Self.runOnCluster(J.self, inputs, workers: 2)
        #expect(results.count == inputs.count, sourceLocation: sourceLocation)
        #expect(Set(results.map(\.index)) == Set(inputs.indices), sourceLocation: sourceLocation)
        for result in results {
            #expect(result.output == expected[result.index], "task \(result.index)", sourceLocation: sourceLocation)
        }
        #expect(workers.count == 2, sourceLocation: sourceLocation)
        #expect(workers.allSatisfy { $0.completed > 0 }, "every worker ran tasks", sourceLocation: sourceLocation)
        #expect(workers.allSatisfy { $0.processID > 0 }, sourceLocation: sourceLocation)
    }

    @Test("sum-squares through 2 worker processes equals the sequential results")
    func sumSquaresMatchesSequential() async throws {
        try await self.expectSameAsSequential(
            SumSquares.self,
            (0..<24).map { SumSquares.Input(n: UInt64(100_000 + $0 * 1_000), mask: UInt64($0 % 3)) }
        )
    }

    @Test("primes through 2 worker processes equals the sequential results and pi(10^6)")
    func primesMatchesSequential() async throws {
        let inputs = (0..<20).map { Primes.Input(lower: UInt64($0) * 50_000, upper: UInt64($0 + 1) * 50_000) }
        try await self.expectSameAsSequential(Primes.self, inputs)
        let (results, _) = try await Self.runOnCluster(Primes.self, inputs)
        #expect(results.compactMap(\.output).reduce(0, +) == 78_498)
    }

    @Test("mandelbrot rows through 2 worker processes equal the sequential rows")
    func mandelbrotMatchesSequential() async throws {
        try await self.expectSameAsSequential(
            Mandelbrot.self,
            (0..<40).map { Mandelbrot.Input(row: $0, width: 120, height: 40, maximumIterations: 200) }
        )
    }

    @Test("pi through 2 worker processes is reproducible and equals the sequential results")
    func piMatchesSequential() async throws {
        try await self.expectSameAsSequential(
            MonteCarloPi.self,
            (0..<16).map { MonteCarloPi.Input(seed: 42 + UInt64($0), samples: 50_000) }
        )
    }

    @Test("sleep and noop through 2 worker processes equal the sequential results")
    func sleepAndNoopMatchSequential() async throws {
        try await self.expectSameAsSequential(Sleep.self, Array(repeating: UInt32(5), count: 12))
        try await self.expectSameAsSequential(Noop.self, (0..<5_000).map { UInt64($0) })
    }

    @Test("--ordered delivers results in input order even when later tasks finish first")
    func orderedDelivery() async throws {
        // Task 0 sleeps longest, so completion order differs from input order.
        let inputs: [UInt32] = [60, 1, 1, 1, 1, 1, 30, 1, 1, 1]
        let (results, _) = try await Self.runOnCluster(Sleep.self, inputs, ordered: true)
        #expect(results.map(\.index) == Array(0..<10))
    }

    @Test("a job that throws reports the error for that task only")
    func failingTaskIsReported() async throws {
        let inputs = [Primes.Input(lower: 0, upper: 100), Primes.Input(lower: 10, upper: 5)]
        let (results, _) = try await Self.runOnCluster(Primes.self, inputs)
        let byIndex = Dictionary(uniqueKeysWithValues: results.map { ($0.index, $0) })
        #expect(byIndex[0]?.output == 25)
        guard case .failure(let failure) = byIndex[1]?.outcome else {
            Issue.record("task 1 should have failed")
            return
        }
        #expect(failure.message.contains("lower bound 10 is above upper bound 5"))
    }

    @Test("20,000 tiny tasks each come back exactly once")
    func manyTinyTasksExactlyOnce() async throws {
        let (results, workers) = try await Self.runOnCluster(Noop.self, (0..<20_000).map { UInt64($0) })
        #expect(results.count == 20_000)
        #expect(Set(results.map(\.index)).count == 20_000)
        #expect(results.allSatisfy { $0.output == UInt64($0.index) })
        #expect(workers.reduce(0) { $0 + $1.completed } == 20_000)
    }

    @Test("a cluster with no workers fails the run with the reason instead of waiting")
    func noWorkersFailsFast() async throws {
        await #expect(throws: ClusterError.self) {
            try await Cluster.withCluster(try Self.options(workers: 0)) { cluster in
                for try await _ in cluster.map(Noop.self, [1, 2, 3]) {}
            }
        }
    }

    @Test("a missing worker executable fails with a message naming the path")
    func missingWorkerExecutable() async throws {
        var options = try Self.options(workers: 1)
        options.workerExecutable = WorkerExecutable(path: "/nonexistent/fanout-worker")
        do {
            try await Cluster.withCluster(options) { _ in }
            Issue.record("expected an error")
        } catch let error as ClusterError {
            #expect(error.code == .workerExecutable)
            #expect(error.message.contains("/nonexistent/fanout-worker"))
        }
    }
}

extension IntegrationSuite {
    @Test("an output too large for a frame fails that task only; the workers stay connected")
    func oversizedOutputFailsOneTask() async throws {
        let options = try Self.options(workers: 1) { $0.limits.maxFrameBytes = 4_096 }
        let inputs = [
            Mandelbrot.Input(row: 0, width: 100, height: 2, maximumIterations: 50),
            Mandelbrot.Input(row: 0, width: 8_000, height: 2, maximumIterations: 50),
            Mandelbrot.Input(row: 1, width: 100, height: 2, maximumIterations: 50),
        ]
        let (results, workers) = try await Cluster.withCluster(options) { cluster in
            var results: [TaskResult<Mandelbrot.Row>] = []
            for try await result in cluster.map(Mandelbrot.self, inputs, ordered: true) {
                results.append(result)
            }
            return (results, cluster.statistics.workers)
        }
        #expect(results.map(\.index) == [0, 1, 2])
        #expect(results[0].output?.pixels.count == 100)
        #expect(results[2].output?.pixels.count == 100)
        guard case .failure(let failure) = results[1].outcome else {
            Issue.record("the 8,000-pixel row cannot fit in a 4,096-byte frame and must fail")
            return
        }
        #expect(failure.message.contains("exceeds the frame limit"))
        #expect(workers.count == 1 && workers[0].lostReason == nil)
    }
}
