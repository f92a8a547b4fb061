import FanoutCoordinator
import FanoutJobs
import Testing

@testable import FanoutSessions

/// What the coordinator does with one finished job, without a cluster: returned files only at the --return paths,
/// the verdict and its reasons, --results, the job log line.
@Suite("ExecResultRecorder: returned files, --results, --joblog and the verdict of one job")
struct ExecResultRecorderTests {
    static let origin = ExecResultRecorder.Origin(workerID: "local-1", host: "lab1", attempts: 1)

    static func recorder(
        returns: [String] = [],
        in scratch: ExecScratch,
        results: Bool = false,
        jobLog: JobLog? = nil
    ) throws -> ExecResultRecorder {
        let plan = try ExecJobPlan(
            ExecPlanRequest(command: ["sim", "{}"], sources: sources(["a", "b"]), returns: returns),
            maximumFrameBytes: 1 << 20
        )
        return ExecResultRecorder(
            plan: plan,
            resultsDirectory: results ? scratch.path + "/results" : nil,
            jobLog: jobLog,
            directory: scratch.path
        )
    }

    @Test("a job that exited 0 succeeds and its output is passed on as sent")
    func success() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let output = ExecOutput(standardOutput: Array(text: "out\n"), standardError: Array(text: "err\n"), slot: 2)
        let report = try Self.recorder(in: scratch).record(
            .success(output),
            from: Self.origin,
            sequence: 2,
            sentBytes: 0
        )
        #expect(report.succeeded)
        #expect(
            report
                == ExecJobReport(
                    sequence: 2,
                    commandLine: "sim b",
                    standardOutput: Array(text: "out\n"),
                    standardError: Array(text: "err\n")
                )
        )
    }

    @Test("the reason names exit status, signal or timeout, the host and the attempts")
    func failureReasons() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let recorder = try Self.recorder(in: scratch)
        let retried = ExecResultRecorder.Origin(workerID: "w", host: "lab2", attempts: 3)
        let exited = recorder.record(.success(ExecOutput(exitStatus: 3)), from: retried, sequence: 1, sentBytes: 0)
        #expect(exited.failure == "exit status 3 on lab2, after 3 attempts: sim a")
        let killed = recorder.record(.success(ExecOutput(signal: 9)), from: Self.origin, sequence: 1, sentBytes: 0)
        #expect(killed.failure == "killed by signal 9 on lab1: sim a")
        let late = recorder.record(
            .success(ExecOutput(signal: 15, timedOut: true)),
            from: Self.origin,
            sequence: 1,
            sentBytes: 0
        )
        #expect(late.failure == "timed out on lab1: sim a")
        let staging = recorder.record(
            .success(ExecOutput(exitStatus: 255, stagingError: "cannot write f")),
            from: Self.origin,
            sequence: 1,
            sentBytes: 0
        )
        #expect(staging.problems == ["cannot write f"])
        #expect(staging.failure == "exit status 255; cannot write f on lab1: sim a")
    }

    @Test("the requested returned file is written; an unrequested one fails the job and nothing is written")
    func returnedFiles() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let recorder = try Self.recorder(returns: ["{}.out"], in: scratch)
        let good = recorder.record(
            .success(ExecOutput(returned: [ReturnedFile(path: Array(text: "a.out"), contents: [1, 2], error: nil)])),
            from: Self.origin,
            sequence: 1,
            sentBytes: 0
        )
        #expect(good.succeeded)
        #expect(scratch.read("a.out") == [1, 2])

        let sneaky = recorder.record(
            .success(
                ExecOutput(returned: [
                    ReturnedFile(path: Array(text: "b.out"), contents: [3], error: nil),
                    ReturnedFile(path: Array(text: "extra"), contents: [4], error: nil),
                ])
            ),
            from: Self.origin,
            sequence: 2,
            sentBytes: 0
        )
        #expect(
            sneaky.problems == [
                "the worker sent a returned file 'extra' the job did not ask for (worker local-1 on host lab1): "
                    + "nothing written"
            ]
        )
        #expect(sneaky.failure != nil)
        #expect(scratch.read("b.out") == nil)
        #expect(scratch.read("extra") == nil)

        let missing = recorder.record(.success(ExecOutput()), from: Self.origin, sequence: 2, sentBytes: 0)
        #expect(missing.problems == ["--return b.out: not sent back by the worker"])
    }

    @Test("an answer with numbers out of range fails the job, writes no returned file, and is shown clamped")
    func outOfRange() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let recorder = try Self.recorder(returns: ["{}.out"], in: scratch)
        let lying = ExecOutput(
            exitStatus: 300,
            startMilliseconds: .max,
            slot: 0,
            returned: [ReturnedFile(path: Array(text: "a.out"), contents: [1], error: nil)]
        )
        let report = recorder.record(.success(lying), from: Self.origin, sequence: 1, sentBytes: 0)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.hasPrefix("worker local-1 on host lab1 sent an answer out of range (") == true)
        #expect(report.problems.first?.hasSuffix("): no returned file written") == true)
        #expect(report.failure?.hasPrefix("exit status 255; worker local-1") == true)
        #expect(scratch.read("a.out") == nil)
    }

    @Test("a task that failed without an output is reported with its message, made safe for a terminal")
    func taskFailure() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let report = try Self.recorder(in: scratch).record(
            .failure(TaskFailure("worker died\u{1B}[2J")),
            from: ExecResultRecorder.Origin(workerID: "", host: "", attempts: 4),
            sequence: 1,
            sentBytes: 0
        )
        #expect(report.taskFailure?.contains("\u{1B}") == false)
        #expect(report.failure == "\(report.taskFailure ?? ""): sim a")
        #expect(report.standardOutput.isEmpty)
    }

    @Test("--results gets stdout, stderr, exitval and signal; the job log gets one line per job")
    func resultsAndJobLog() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let log = try JobLog(path: scratch.path + "/jobs.tsv", append: false)
        let recorder = try Self.recorder(in: scratch, results: true, jobLog: log)
        _ = recorder.record(
            .success(ExecOutput(standardOutput: Array(text: "o"), exitStatus: 4, startMilliseconds: 1500)),
            from: Self.origin,
            sequence: 1,
            sentBytes: 12
        )
        _ = recorder.record(.failure(TaskFailure("lost")), from: Self.origin, sequence: 2, sentBytes: 0)
        #expect(scratch.read("results/1/stdout") == Array(text: "o"))
        #expect(scratch.read("results/1/stderr") == [])
        #expect(scratch.read("results/1/exitval") == Array(text: "4\n"))
        #expect(scratch.read("results/1/signal") == Array(text: "0\n"))
        #expect(scratch.read("results/2/stderr") == Array(text: "lost\n"))
        #expect(scratch.read("results/2/exitval") == Array(text: "255\n"))
        let entries = JobLog.read(path: scratch.path + "/jobs.tsv")
        #expect(entries[1]?.exitStatus == 4)
        #expect(entries[1]?.sentBytes == 12)
        #expect(entries[1]?.startSeconds == 1.5)
        #expect(entries[1]?.host == "lab1")
        #expect(entries[1]?.command == "sim a")
        #expect(entries[2]?.exitStatus == 255)
    }

    @Test("a returned-file problem on a job that exited 0 is logged with exit status 255")
    func problemLoggedAsFailure() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let log = try JobLog(path: scratch.path + "/jobs.tsv", append: false)
        let recorder = try Self.recorder(returns: ["{}.out"], in: scratch, jobLog: log)
        _ = recorder.record(.success(ExecOutput()), from: Self.origin, sequence: 1, sentBytes: 0)
        #expect(JobLog.read(path: scratch.path + "/jobs.tsv")[1]?.exitStatus == 255)
    }

    @Test("the tally counts every job and lists the first 20 failures")
    func tally() {
        var tally = ExecTally(planned: 30)
        for sequence in 1...25 {
            tally.record(
                ExecJobReport(sequence: sequence, commandLine: "c", failure: sequence.isMultiple(of: 5) ? nil : "x")
            )
        }
        #expect(tally.finished == 25)
        #expect(tally.failed == 20)
        #expect(tally.failures.count == ExecTally.listedFailures)
        #expect(tally.failures.first == "job 1: x")
    }
}
