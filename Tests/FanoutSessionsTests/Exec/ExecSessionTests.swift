import FanoutConfiguration
import Synchronization
import Testing

@testable import FanoutSessions

/// The exec session: the cluster it asks for, its option checks, and whole runs on a local worker with a reporter
/// that collects instead of printing.
@Suite("ExecSession: cluster settings, option checks, runs on a local worker")
struct ExecSessionTests {
    /// Collects what a session reports.
    final class CollectingReporter: ExecReporter {
        struct Seen {
            var resumptions: [ExecResumption] = []
            var reports: [ExecJobReport] = []
        }

        let seen = Mutex(Seen())

        func resumed(_ resumption: ExecResumption) {
            self.seen.withLock { $0.resumptions.append(resumption) }
        }

        func jobFinished(_ report: ExecJobReport, moreReady: Bool) {
            self.seen.withLock { $0.reports.append(report) }
        }

        var reports: [ExecJobReport] { self.seen.withLock { $0.reports } }
        var resumptions: [ExecResumption] { self.seen.withLock { $0.resumptions } }
    }

    @Test("speculation is off; auto local workers become one worker with every core's slots")
    func autoLocalWorkers() {
        var file = ClusterConfiguration()
        file.scheduling.speculation = true
        let (configuration, localWorkers) = ExecSession.clusterSettings(file, jobsPerHost: nil, processors: 6)
        #expect(configuration.scheduling.speculation == false)
        #expect(localWorkers == 1)
        #expect(configuration.local.slots == .count(file.local.slots.resolved(cores: 1) * 6))
    }

    @Test("--jobs sets the slots of this machine and of every host; zero local workers stay zero")
    func jobsPerHost() throws {
        var file = try ClusterConfiguration.parse(
            """
            hosts:
              - address: lab1
                slots: 3
              - address: lab2
            """,
            path: "exec-session-test.yaml"
        )
        let (configuration, localWorkers) = ExecSession.clusterSettings(file, jobsPerHost: 5, processors: 2)
        #expect(localWorkers == 1)
        #expect(configuration.local.slots == .count(5))
        #expect(configuration.hosts.map(\.slots) == [.count(5), .count(5)])

        file.local.workers = .count(0)
        let (remoteOnly, none) = ExecSession.clusterSettings(file, jobsPerHost: 5, processors: 2)
        #expect(none == 0)
        #expect(remoteOnly.hosts.map(\.slots) == [.count(5), .count(5)])
    }

    @Test("options built in code are checked like the command line's")
    func optionChecks() {
        #expect(throws: Never.self) { try ExecSessionOptions(jobsPerHost: 4096, retries: 100).validate() }
        #expect(throws: ExecSessionError.self) { try ExecSessionOptions(jobsPerHost: 0).validate() }
        #expect(throws: ExecSessionError.self) { try ExecSessionOptions(retries: 101).validate() }
        #expect(throws: ExecSessionError(.usage, "resuming needs a job log (the log to continue)")) {
            try ExecSessionOptions(resume: .skipLogged).validate()
        }
    }

    @Test("a run on a local worker reports every job in input order with --keep-order, and tallies failures")
    func runsAndReports() async throws {
        let plan = try ExecJobPlan(
            ExecPlanRequest(
                command: ["sh", "-c", "echo $1; exit $2", "_", "{1}", "{2}"],
                sources: sources(["a", "b", "c"], ["0", "3"])
            ),
            maximumFrameBytes: ClusterConfiguration().limits.maxFrameBytes
        )
        let reporter = CollectingReporter()
        let session = ExecSession(
            plan: plan,
            configuration: ClusterConfiguration(),
            options: ExecSessionOptions(jobsPerHost: 2, keepOrder: true)
        )
        let tally = try await session.run(reporter: reporter)
        #expect(tally.error == nil)
        #expect(tally.planned == 6)
        #expect(tally.finished == 6)
        #expect(tally.failed == 3)
        let reports = reporter.reports
        #expect(reports.map(\.sequence) == Array(1...6))
        #expect(
            reports.map { String(decoding: $0.standardOutput, as: UTF8.self) } == [
                "a\n", "a\n", "b\n", "b\n", "c\n", "c\n",
            ]
        )
        #expect(reports.map(\.succeeded) == [true, false, true, false, true, false])
        #expect(tally.failures.first?.hasPrefix("job 2: exit status 3") == true)
        #expect(reporter.resumptions.isEmpty)
    }

    @Test("resuming a job log runs only the jobs it does not hold; a fully logged run starts no worker")
    func resumes() async throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let log = scratch.path + "/jobs.tsv"
        let plan = try ExecJobPlan(
            ExecPlanRequest(command: ["sh", "-c", "exit $1", "_", "{}"], sources: sources(["0", "1", "0"])),
            maximumFrameBytes: ClusterConfiguration().limits.maxFrameBytes
        )
        let first = try await ExecSession(
            plan: plan,
            configuration: ClusterConfiguration(),
            options: ExecSessionOptions(jobsPerHost: 2, jobLogPath: log)
        ).run(reporter: CollectingReporter())
        #expect(first.finished == 3)
        #expect(first.failed == 1)

        let again = CollectingReporter()
        let failedOnly = try await ExecSession(
            plan: plan,
            configuration: ClusterConfiguration(),
            options: ExecSessionOptions(jobsPerHost: 2, jobLogPath: log, resume: .skipSucceeded)
        ).run(reporter: again)
        #expect(again.resumptions.map(\.done) == [[1, 3]])
        #expect(again.reports.map(\.sequence) == [2])
        #expect(failedOnly.planned == 1)

        let none = CollectingReporter()
        let logged = try await ExecSession(
            plan: plan,
            configuration: ClusterConfiguration(),
            options: ExecSessionOptions(jobLogPath: log, resume: .skipLogged)
        ).run(reporter: none)
        #expect(none.resumptions.first?.remaining == 0)
        #expect(logged.planned == 0)
        #expect(none.reports.isEmpty)
    }

    @Test("a job log that cannot be opened stops the session before any worker starts")
    func unusableJobLog() async throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let plan = try ExecJobPlan(ExecPlanRequest(command: ["true"], sources: []), maximumFrameBytes: 1 << 20)
        await #expect(throws: ExecSessionError.self) {
            _ = try await ExecSession(
                plan: plan,
                configuration: ClusterConfiguration(),
                options: ExecSessionOptions(jobLogPath: scratch.path)
            ).run(reporter: CollectingReporter())
        }
    }
}
