import FanoutConfiguration
import FanoutCoordinator
import FanoutJobs
import FanoutProtocol
import FanoutTestSupport
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

/// Starts another launcher's workers only once `gate` returns (e.g. after the flood is up, or another worker
/// joined), so a test controls who connects when.
struct GatedLauncher: WorkerLauncher {
    var inner: any WorkerLauncher
    var gate: @Sendable () async -> Void

    var plannedWorkerIDs: [String] { self.inner.plannedWorkerIDs }

    func run(context: LaunchContext) async {
        await self.gate()
        await self.inner.run(context: context)
    }
}

/// Keeps every log message, for tests that check what peers can put in the coordinator's log.
final class CapturedLog: Sendable {
    let lines = NIOLockedValueBox<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "fanout-captured") { _ in CapturedLogHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturedLogHandler: LogHandler {
    let sink: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.sink.lines.withLockedValue { $0.append("\(event.level) \(event.message)") }
    }
}

extension IntegrationSuite {
    static func localLauncher(
        _ executable: WorkerExecutable,
        prefix: String,
        count: Int = 1,
        slots: Int = 1
    ) -> LocalProcessLauncher {
        var launcher = LocalProcessLauncher(
            count: count,
            slots: slots,
            executable: executable,
            logger: Logger(label: "fanout-test-launcher")
        )
        launcher.idPrefix = prefix
        return launcher
    }

    @Test("a worker claiming 4,294,967,295 slots gets the 2 it was launched with, and holds only their tasks")
    func claimedSlotsAreClampedToTheGrant() async throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("claim-\(UUID()).txt").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        // The same binary for both, so both digests are expected: an honest worker that answers, a greedy one.
        var options = try MaliciousWorker.options(attack: "honest", workers: 1)
        options.configuration.scheduling.prefetch = 2
        options.extraLaunchers = [
            Self.localLauncher(
                try MaliciousWorker.executable(attack: "claim-slots", arguments: [String(UInt32.max), report]),
                prefix: "greedy",
                slots: 2
            )
        ]
        let (received, workers) = try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(2)
            var seen = 0
            // The honest worker answers; the greedy one takes what it is given and never answers.
            for try await _ in cluster.map(Noop.self, (0..<200_000).map { UInt64($0) }) {
                seen += 1
                if seen == 2_000 { break }
            }
            // The greedy worker reports what it holds every 100 ms; it never answers, so that can only grow.
            let reported: @Sendable () -> Int? = {
                (try? String(contentsOfFile: report, encoding: .utf8)).flatMap {
                    Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
            let deadline = ContinuousClock.now + .seconds(5)
            while (reported() ?? 0) == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(300))
            return (reported(), cluster.statistics.workers)
        }
        let greedy = try #require(workers.first { $0.id == "greedy-1" })
        #expect(greedy.slots == 2, "granted 2 slots, shown \(greedy.slots)")
        // 2 slots × (1 + prefetch 2): the most a worker that never answers can be handed.
        let count = try #require(received, "the greedy worker reported nothing")
        #expect(count >= 1 && count <= 6, "the greedy worker was handed \(count) tasks")
    }

    @Test(
        "worker ids are checked against the launches: a claimed id already connected or never launched is refused, and the host shown is the launch's"
    )
    func claimedIdentitiesAreCheckedAgainstLaunches() async throws {
        // A host name the hello check accepts (control characters are refused before any of this; see
        // FanoutProtocolTests), but not the one the coordinator launched the worker on.
        let hostile = "evil-host.example"
        let honestJoined = NIOLockedValueBox(false)
        let gate: @Sendable () async -> Void = {
            while !honestJoined.withLockedValue({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
        }
        var options = try MaliciousWorker.options(attack: "honest", workers: 1)
        let log = CapturedLog()
        options.logger = log.logger
        options.extraLaunchers = [
            // Claims the honest worker's id once it is connected.
            GatedLauncher(
                inner: Self.localLauncher(
                    try MaliciousWorker.executable(attack: "forged-identity", arguments: ["local-1", hostile]),
                    prefix: "thief"
                ),
                gate: gate
            ),
            // Claims an id nobody launched.
            GatedLauncher(
                inner: Self.localLauncher(
                    try MaliciousWorker.executable(attack: "forged-identity", arguments: ["ghost", hostile]),
                    prefix: "ghostly"
                ),
                gate: gate
            ),
            // Its own id, a forged host name: admitted, shown under the launch's host label.
            GatedLauncher(
                inner: Self.localLauncher(
                    try MaliciousWorker.executable(attack: "forged-identity", arguments: ["liar-1", hostile]),
                    prefix: "liar"
                ),
                gate: gate
            ),
        ]
        let (workers, outputs) = try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(1)
            honestJoined.withLockedValue { $0 = true }
            // Until the liar joined and both thieves were refused.
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let refusals = log.lines.withLockedValue { lines in
                    lines.filter { $0.contains("refused an authenticated worker") }.count
                }
                if refusals >= 2, cluster.statistics.workers.contains(where: { $0.id == "liar-1" }) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            var outputs: [Int: UInt64] = [:]
            for try await result in cluster.map(Noop.self, (0..<100).map { UInt64($0) }) {
                outputs[result.index] = try result.outcome.get()
            }
            return (cluster.statistics.workers, outputs)
        }
        #expect(outputs.count == 100)
        #expect(workers.map(\.id).sorted() == ["liar-1", "local-1"], "\(workers.map(\.id))")
        let honest = try #require(workers.first { $0.id == "local-1" })
        let liar = try #require(workers.first { $0.id == "liar-1" })
        #expect(liar.host == honest.host, "shown as '\(liar.host)'")
        #expect(!workers.contains { $0.host.contains("evil") })
        let lines = log.lines.withLockedValue { $0 }
        #expect(lines.contains { $0.contains("worker 'local-1' is already connected") }, "\(lines)")
        #expect(lines.contains { $0.contains("worker 'ghost' was not launched by this coordinator") })
        #expect(!lines.contains { $0.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\n" } })
    }

    @Test("a worker flooding the log with escape sequences gets escaped, bounded lines at a bounded rate")
    func workerLogLinesAreEscapedAndRateLimited() async throws {
        var options = try MaliciousWorker.options(attack: "log-flood", arguments: ["5000"], workers: 1)
        let log = CapturedLog()
        options.logger = log.logger
        let started = ContinuousClock.now
        let outputs = try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(1)
            var outputs = 0
            for try await result in cluster.map(Noop.self, (0..<50).map { UInt64($0) }) {
                _ = try result.outcome.get()
                outputs += 1
            }
            return outputs
        }
        let elapsed = Double((ContinuousClock.now - started).components.seconds) + 1
        #expect(outputs == 50)
        let lines = log.lines.withLockedValue { $0 }
        let workerLines = lines.filter { $0.contains("[local-1@") }
        #expect(!workerLines.isEmpty)
        // A burst of 200, then 50 per second.
        #expect(Double(workerLines.count) <= 200 + 50 * elapsed, "\(workerLines.count) lines in \(elapsed) s")
        #expect(workerLines.allSatisfy { $0.count < 1_200 }, "lines are bounded")
        #expect(workerLines.allSatisfy { !$0.hasPrefix("critical") && !$0.hasPrefix("error") })
        #expect(!lines.contains { $0.unicodeScalars.contains { UntrustedText.isUnsafe($0) } })
        #expect(workerLines.contains { $0.contains("\\u{1B}[2J") })
    }

    @Test("an unauthenticated peer's hello cannot put raw control characters in the coordinator's log")
    func unauthenticatedPeerTextIsEscapedInTheLog() async throws {
        var options = try Self.options(workers: 1) { $0.transport = .plain }
        let log = CapturedLog()
        options.logger = log.logger
        try await Cluster.withCluster(options) { cluster in
            try await cluster.waitForWorkers(1)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: cluster.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.wrapForWireProtocol(maximumFrameBytes: 1 << 16)
                    }
                }
            try await channel.executeThenClose { inbound, outbound in
                let hello = Hello(
                    binaryDigest: "\u{1B}[31mdigest",
                    hostName: "intruder\u{1B}]0;title\u{07}\nfanout: all workers joined",
                    processID: 1,
                    slots: 8,
                    workerID: "intruder\r\u{9B}2K",
                    nonce: RunSecret.nonce()
                )
                try await outbound.write(.hello(hello))
                do {
                    for try await message in inbound {
                        if case .challenge = message {
                            try await outbound.write(.authenticate(Authenticate(proof: RunSecret.random().bytes)))
                        }
                    }
                } catch {}
            }
            // The coordinator logs the refusal when the connection ends.
            let deadline = ContinuousClock.now + .seconds(5)
            while !log.lines.withLockedValue({ $0.contains { $0.contains("dropped connection") } }),
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let lines = log.lines.withLockedValue { $0 }
        #expect(lines.contains { $0.contains("dropped connection") }, "\(lines.suffix(20))")
        #expect(!lines.contains { $0.unicodeScalars.contains { UntrustedText.isUnsafe($0) } }, "\(lines)")
    }
}
