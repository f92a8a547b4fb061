import FanoutSessions
import Testing

@Suite("BenchRequest")
struct BenchRequestTests {
    @Test("the defaults are fanout bench's and pass validation")
    func defaults() throws {
        let request = BenchRequest(localWorkers: 2)
        #expect(request.modes == BenchMode.allCases)
        #expect(request.repeats == 5 && request.warmups == 1 && request.localWorkers == 2)
        #expect(request.noopTasks == 20_000 && request.latencySamples == 200)
        #expect(request.sleepTasks == 40 && request.sleepMilliseconds == 25)
        #expect(!request.lessons && !request.sweep && !request.overhead)
        try request.validate()
        #expect(BenchRequest().localWorkers >= 1)
    }

    /// A value just outside each range, and the message that names the option and its range.
    static let outOfRange: [(String, @Sendable (inout BenchRequest) -> Void, String)] = [
        ("repeats", { $0.repeats = 0 }, "--repeat must be between 1 and 1000, got 0"),
        ("repeats", { $0.repeats = 1001 }, "--repeat must be between 1 and 1000, got 1001"),
        ("warmups", { $0.warmups = -1 }, "--warmup must be between 0 and 100, got -1"),
        ("warmups", { $0.warmups = 101 }, "--warmup must be between 0 and 100, got 101"),
        ("localWorkers", { $0.localWorkers = 0 }, "--workers must be between 1 and 4096, got 0"),
        ("localWorkers", { $0.localWorkers = 4097 }, "--workers must be between 1 and 4096, got 4097"),
        ("noopTasks", { $0.noopTasks = 0 }, "--noop-tasks must be between 1 and 100000000, got 0"),
        ("latencySamples", { $0.latencySamples = 0 }, "--latency-samples must be between 1 and 1000000, got 0"),
        ("sleepTasks", { $0.sleepTasks = 100_001 }, "--sleep-tasks must be between 1 and 100000, got 100001"),
        (
            "sleepMilliseconds", { $0.sleepMilliseconds = 3_600_001 },
            "--sleep-milliseconds must be between 0 and 3600000, got 3600001"
        ),
    ]

    @Test("every count out of its range is refused with the option, its range and the value")
    func outOfRangeIsRefused() {
        for (field, change, message) in Self.outOfRange {
            var request = BenchRequest(localWorkers: 2)
            change(&request)
            let error = #expect(throws: BenchError.self, "\(field)") { try request.validate() }
            #expect(error?.code == .invalidRequest, "\(field)")
            #expect(error?.message == message, "\(field)")
        }
    }

    @Test("the bounds themselves are accepted")
    func boundsAreAccepted() throws {
        var request = BenchRequest(localWorkers: 1)
        request.repeats = 1000
        request.warmups = 0
        request.noopTasks = 1
        request.latencySamples = 1_000_000
        request.sleepTasks = 100_000
        request.sleepMilliseconds = 0
        try request.validate()
        request.localWorkers = 4096
        request.warmups = 100
        request.repeats = 1
        try request.validate()
    }

    @Test("modes parse from comma-separated lists, in order of first mention, without repeats")
    func modesParse() throws {
        #expect(try BenchMode.parse(["sequential,threads,local,remote,all"]) == BenchMode.allCases)
        #expect(try BenchMode.parse(["local,threads", "local", "sequential"]) == [.local, .threads, .sequential])
        #expect(try BenchMode.parse([]) == [])
    }

    @Test("an unknown mode is refused with the list of modes")
    func unknownMode() {
        let error = #expect(throws: BenchError.self) { try BenchMode.parse(["sequential,gpu"]) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.message == "unknown mode 'gpu'; modes are sequential, threads, local, remote, all")
    }

    @Test("a session refuses a request out of range before it measures anything")
    func sessionValidates() async {
        var request = BenchRequest(modes: [.sequential], localWorkers: 1)
        request.repeats = 0
        let error = await #expect(throws: BenchError.self) {
            _ = try await BenchSession(request: request).run(NoopWorkload(tasks: 1))
        }
        #expect(error?.code == .invalidRequest)
    }

    @Test("a session refuses workload parameters out of range")
    func sessionValidatesTheWorkload() async {
        let request = BenchRequest(modes: [.sequential], localWorkers: 1)
        let error = await #expect(throws: SessionError.self) {
            _ = try await BenchSession(request: request).run(NoopWorkload(tasks: 0))
        }
        #expect(error?.code == .invalidParameters)
    }
}
