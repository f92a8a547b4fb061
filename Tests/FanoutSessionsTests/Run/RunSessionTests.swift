import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import FanoutSessions
import Foundation
import Logging
import Synchronization
import Testing

/// Records what a run session reports, from whichever thread reports it.
private final class RecordingReporter<Output: Sendable>: RunReporter {
    struct Recorded {
        var notices: [RunNotice] = []
        var indices: [Int] = []
        var workers: Set<String> = []
        var failures = 0
    }

    let recorded = Mutex(Recorded())

    func notice(_ notice: RunNotice) {
        self.recorded.withLock { $0.notices.append(notice) }
    }

    func taskFinished(_ result: TaskResult<Output>, moreBuffered: Bool) {
        self.recorded.withLock {
            $0.indices.append(result.index)
            $0.workers.insert(result.workerID)
            if case .failure = result.outcome { $0.failures += 1 }
        }
    }
}

@Suite("RunSession", .timeLimit(.minutes(2)))
struct RunSessionTests {
    private static func settings(speedup: Bool = false, journal: String? = nil) -> RunSettings {
        var logger = Logger(label: "fanout-sessions-test")
        logger.logLevel = .critical
        return RunSettings(
            // ./cluster.yaml of the working directory must not change what the test runs.
            cluster: ClusterFileLoader(namedPath: nil, missingFile: .defaultsUnlessNamedIgnoringDefaultFile),
            localWorkers: 2,
            ordered: true,
            speedup: speedup,
            waitForWorkers: true,
            journal: journal,
            logger: logger
        )
    }

    @Test("primes on 2 local workers: every task reported once in order, both workers used, the right total")
    func primesOnTwoWorkers() async throws {
        let workload = PrimesWorkload(limit: 100_000, tasks: 16)
        let reporter = RecordingReporter<UInt64>()
        let outcome = try await RunSession(workload: workload, settings: Self.settings()).run(reporter: reporter)
        let recorded = reporter.recorded.withLock { $0 }
        #expect(recorded.indices == Array(0..<16))
        #expect(recorded.failures == 0)
        #expect(recorded.notices.isEmpty)
        #expect(outcome.cluster.error == nil)
        #expect(outcome.cluster.completed == 16 && outcome.cluster.failed == 0)
        #expect(outcome.cluster.workers.count == 2)
        #expect(outcome.cluster.workersReady != nil)
        #expect(try outcome.cluster.accumulator.summary() == ["primes below 100000: 9592"])
        #expect(outcome.baseline == nil)
    }

    @Test("speedup: the baseline runs first (noticed), its outputs equal the cluster's")
    func speedupBaseline() async throws {
        let workload = SumSquaresWorkload(tasks: 6, n: 10_000, mask: 5)
        let reporter = RecordingReporter<UInt64>()
        let outcome = try await RunSession(workload: workload, settings: Self.settings(speedup: true))
            .run(reporter: reporter)
        let baseline = try #require(outcome.baseline)
        #expect(reporter.recorded.withLock { $0.notices } == [.sequentialBaselineStarted(tasks: 6)])
        #expect(baseline.failures == 0 && baseline.outputs.count == 6)
        #expect(outcome.cluster.outputs.count == 6)
        for (index, output) in outcome.cluster.outputs { #expect(baseline.outputs[index] == output) }
    }

    @Test("a resumed journal is noticed and replays its results; a named missing cluster file throws")
    func journalAndErrors() async throws {
        let directory = NSTemporaryDirectory() + "fanout-sessions-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/run.journal"
        let workload = NoopWorkload(tasks: 5)
        _ = try await RunSession(workload: workload, settings: Self.settings(journal: path))
            .run(reporter: RecordingReporter<UInt64>())
        var resume = Self.settings(journal: path)
        resume.journalMode = .resume
        let reporter = RecordingReporter<UInt64>()
        let outcome = try await RunSession(workload: workload, settings: resume).run(reporter: reporter)
        #expect(
            reporter.recorded.withLock { $0.notices }
                == [.resuming(path: path, recorded: 5, tasks: 5, failedToRerun: 0)]
        )
        #expect(outcome.cluster.replayed == 5 && outcome.cluster.journalPath == path)

        let refused = await #expect(throws: SessionError.self) {
            _ = try await RunSession(workload: workload, settings: Self.settings(journal: path))
                .run(reporter: RecordingReporter<UInt64>())
        }
        #expect(refused?.code == .journal)

        var missing = Self.settings()
        missing.cluster = ClusterFileLoader(namedPath: directory + "/missing.yaml")
        let error = await #expect(throws: SessionError.self) {
            _ = try await RunSession(workload: workload, settings: missing).run(reporter: RecordingReporter<UInt64>())
        }
        #expect(error?.code == .configuration)
    }
}
