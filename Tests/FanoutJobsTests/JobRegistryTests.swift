import FanoutJobs
import Testing

/// A user-defined job, as an application would register it.
private enum WordCount: Job {
    static let name = "word-count"
    static func run(_ input: String) throws -> Int { input.split(separator: " ").count }
}

/// A job whose every task fails with its own error type.
private enum AlwaysFails: Job {
    struct Failure: Error, Equatable {
        var code: Int
    }

    static let name = "always-fails"
    static func run(_ input: Int) throws -> Int { throw Failure(code: input) }
}

/// A job that claims a built-in's name, to check that a later registration replaces the earlier one.
private enum ShadowNoop: Job {
    static let name = "noop"
    static func run(_ input: UInt64) throws -> UInt64 { input &+ 1 }
}

/// Name lookup and the type-erased bytes-in, bytes-out runners.
@Suite("Job registry")
struct JobRegistryTests {
    static func runner(_ name: String, in registry: JobRegistry = .builtin) throws -> JobRunner {
        try #require(registry.runner(named: name), "no job named \(name)")
    }

    @Test func builtinNamesAreExactlyTheKernels() {
        #expect(
            JobRegistry.builtin.names == ["exec", "mandelbrot", "noop", "pi", "primes", "sleep", "spin", "sum-squares"]
        )
    }

    @Test func runnersCarryTheirJobNames() throws {
        for name in JobRegistry.builtin.names {
            #expect(try Self.runner(name).name == name)
        }
        #expect(JobRegistry.builtin.runner(named: "no-such-job") == nil)
        #expect(JobRegistry().names.isEmpty)
    }

    @Test func sumSquaresRunsThroughEncodedBytes() throws {
        let output = try Self.runner("sum-squares").run(try PayloadCoder.encode(SumSquares.Input(n: 10)))
        #expect(try PayloadCoder.decode(UInt64.self, from: output) == 285)
    }

    @Test func everyBuiltinRunsThroughEncodedBytes() throws {
        let primes = try Self.runner("primes").run(try PayloadCoder.encode(Primes.Input(lower: 0, upper: 100)))
        #expect(try PayloadCoder.decode(UInt64.self, from: primes) == 25)

        let input = Mandelbrot.Input(row: 1, width: 8, height: 3, maximumIterations: 20)
        let mandelbrot = try Self.runner("mandelbrot").run(try PayloadCoder.encode(input))
        #expect(try PayloadCoder.decode(Mandelbrot.Row.self, from: mandelbrot) == Mandelbrot.run(input))

        let piInput = MonteCarloPi.Input(seed: 3, samples: 1_000)
        let pi = try Self.runner("pi").run(try PayloadCoder.encode(piInput))
        #expect(try PayloadCoder.decode(UInt64.self, from: pi) == MonteCarloPi.run(piInput))

        let sleep = try Self.runner("sleep").run(try PayloadCoder.encode(UInt32(1)))
        #expect(try PayloadCoder.decode(UInt32.self, from: sleep) == 1)

        let noop = try Self.runner("noop").run(try PayloadCoder.encode(UInt64.max))
        #expect(try PayloadCoder.decode(UInt64.self, from: noop) == .max)
    }

    @Test(
        arguments: [
            ("sum-squares", []),
            ("sum-squares", [0xFF, 0x00, 0x13]),
            ("sum-squares", Array("{\"n\": \"ten\"}".utf8)),
            ("primes", Array(repeating: 0xFF, count: 40)),
            ("mandelbrot", [0x01]),
            ("noop", [0xFF, 0x00, 0x13]),
            ("sleep", Array(repeating: 0x01, count: 9)),
        ] as [(String, [UInt8])]
    )
    func garbageInputIsAJobFailureNamingTheJob(name: String, bytes: [UInt8]) throws {
        let runner = try Self.runner(name)
        let error = #expect(throws: JobFailure.self) { try runner.run(bytes) }
        #expect(error?.message.contains("'\(name)'") == true, "\(String(describing: error))")
    }

    @Test func customJobRegisteredWithAddingRuns() throws {
        let registry = JobRegistry.builtin.adding([WordCount.self])
        #expect(
            registry.names == [
                "exec", "mandelbrot", "noop", "pi", "primes", "sleep", "spin", "sum-squares", "word-count",
            ]
        )
        // `adding` returns a copy; the built-in registry is untouched.
        #expect(JobRegistry.builtin.runner(named: "word-count") == nil)

        let output = try Self.runner("word-count", in: registry).run(try PayloadCoder.encode("one two  three"))
        #expect(try PayloadCoder.decode(Int.self, from: output) == 3)
    }

    @Test func registerAddsInPlace() throws {
        var registry = JobRegistry([Noop.self])
        registry.register(WordCount.self)
        #expect(registry.names == ["noop", "word-count"])
    }

    @Test func laterJobWithTheSameNameReplacesTheEarlier() throws {
        let registry = JobRegistry.builtin.adding([ShadowNoop.self])
        #expect(registry.names == JobRegistry.builtin.names)
        let output = try Self.runner("noop", in: registry).run(try PayloadCoder.encode(UInt64(41)))
        #expect(try PayloadCoder.decode(UInt64.self, from: output) == 42)
    }

    @Test func errorThrownByAJobSurfacesUnchanged() throws {
        let registry = JobRegistry([AlwaysFails.self])
        let runner = try Self.runner("always-fails", in: registry)
        #expect(throws: AlwaysFails.Failure(code: 7)) {
            try runner.run(try PayloadCoder.encode(7))
        }
    }

    @Test func builtinJobFailureSurfacesThroughTheRunner() throws {
        let runner = try Self.runner("primes")
        let error = #expect(throws: JobFailure.self) {
            try runner.run(try PayloadCoder.encode(Primes.Input(lower: 9, upper: 1)))
        }
        #expect(error?.message.contains("lower bound 9") == true)
    }

    @Test func payloadCoderRoundTrips() throws {
        let input = Mandelbrot.Input(row: 3, width: 640, height: 480, maximumIterations: 500)
        #expect(try PayloadCoder.decode(Mandelbrot.Input.self, from: PayloadCoder.encode(input)) == input)
        #expect(try PayloadCoder.decode(String.self, from: PayloadCoder.encode("ünïcode ✓")) == "ünïcode ✓")
    }
}
