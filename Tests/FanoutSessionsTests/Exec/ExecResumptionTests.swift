import FanoutSessions
import Testing

/// Which jobs a resumed job log holds as done.
@Suite("ExecResumption: --resume and --resume-failed")
struct ExecResumptionTests {
    static func entry(_ sequence: Int, exit: Int32 = 0, signal: Int32 = 0) -> JobLogEntry {
        JobLogEntry(
            sequence: sequence,
            host: "h",
            startSeconds: 1,
            runtimeSeconds: 0,
            sentBytes: 0,
            receivedBytes: 0,
            exitStatus: exit,
            signal: signal,
            command: "c"
        )
    }

    static let entries = [1: entry(1), 2: entry(2, exit: 3), 4: entry(4, signal: 9), 9: entry(9), 0: entry(0)]

    @Test("--resume skips every logged job of the plan; numbers outside the plan are ignored")
    func skipLogged() {
        let resumption = ExecResumption(entries: Self.entries, jobLogPath: "log", mode: .skipLogged, jobCount: 5)
        #expect(resumption.done == [1, 2, 4])
        #expect(resumption.pending == [3, 5])
        #expect(resumption.remaining == 2)
    }

    @Test("--resume-failed skips only jobs that exited 0 without a signal")
    func skipSucceeded() {
        let resumption = ExecResumption(entries: Self.entries, jobLogPath: "log", mode: .skipSucceeded, jobCount: 5)
        #expect(resumption.done == [1])
        #expect(resumption.pending == [2, 3, 4, 5])
    }

    @Test("a missing log holds nothing; a plan of no jobs has nothing pending")
    func missingLogAndEmptyPlan() {
        let missing = ExecResumption.read(jobLogPath: "/nonexistent/joblog", mode: .skipLogged, jobCount: 3)
        #expect(missing.done.isEmpty)
        #expect(missing.pending == [1, 2, 3])
        #expect(ExecResumption(entries: Self.entries, jobLogPath: "l", mode: .skipLogged, jobCount: 0).pending == [])
    }
}
