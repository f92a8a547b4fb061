import FanoutCoordinator
import FanoutJobs
import FanoutProtocol
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile peers that open connections as fast as they can and then sit idle, trickle one byte a second, or send
/// garbage, until told to stop.
final class ConnectionFlood: Sendable {
    private let port: Int
    private let stopped = NIOLockedValueBox(false)
    /// Connections opened so far.
    let opened = NIOLockedValueBox(0)
    private let open = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    init(port: Int) { self.port = port }

    /// Opens connections in batches of 100, at most `concurrent` open at once, until ``stop()`` (and at least
    /// `minimum` in all).
    func run(minimum: Int, concurrent: Int) async {
        let group = MultiThreadedEventLoopGroup.singleton
        var index = 0
        while !self.stopped.withLockedValue({ $0 }) || index < minimum {
            if self.open.withLockedValue({ $0.count }) >= concurrent {
                try? await Task.sleep(for: .milliseconds(5))
                continue
            }
            var futures: [EventLoopFuture<any Channel>] = []
            for _ in 0..<100 {
                index += 1
                futures.append(
                    ClientBootstrap(group: group)
                        .connectTimeout(.seconds(5))
                        .connect(host: "127.0.0.1", port: self.port)
                )
            }
            for (offset, future) in futures.enumerated() {
                guard let channel = try? await future.get() else { continue }
                self.opened.withLockedValue { $0 += 1 }
                let key = ObjectIdentifier(channel)
                self.open.withLockedValue { $0[key] = channel }
                channel.closeFuture.whenComplete { _ in _ = self.open.withLockedValue { $0.removeValue(forKey: key) } }
                switch (index + offset) % 3 {
                case 0:
                    break  // idle
                case 1:
                    // Slowloris: one byte a second, a frame header that never ends.
                    channel.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .seconds(1)) { task in
                        guard channel.isActive else { return task.cancel() }
                        channel.writeAndFlush(ByteBuffer(bytes: [0]), promise: nil)
                    }
                default:
                    var generator = SystemRandomNumberGenerator()
                    let garbage = (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }
                    channel.writeAndFlush(ByteBuffer(bytes: garbage), promise: nil)
                }
            }
        }
    }

    func stop() { self.stopped.withLockedValue { $0 = true } }

    func closeAll() async {
        let channels = self.open.withLockedValue { Array($0.values) }
        for channel in channels { try? await channel.close() }
    }

    /// Raises the soft limit on open files to the hard limit: the flood and the coordinator share this process.
    static func raiseFileLimit() -> Int {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Int(clamping: limit.rlim_cur)
    }
}

extension IntegrationSuite {
    @Test(
        "under a flood of 10,000 idle, trickling and garbage connections every worker of the run joins and 200 tasks succeed"
    )
    func workersJoinThroughAConnectionFlood() async throws {
        let fileLimit = ConnectionFlood.raiseFileLimit()
        try #require(fileLimit >= 12_000, "RLIMIT_NOFILE is \(fileLimit); the flood needs 12,000")
        let floodStarted = NIOLockedValueBox(false)
        let workers = 3
        var options = try Self.options(workers: 0)
        options.extraLaunchers = [
            GatedLauncher(
                inner: Self.localLauncher(
                    WorkerExecutable(path: try Self.product("fanout-worker")),
                    prefix: "local",
                    count: workers
                ),
                gate: {
                    while !floodStarted.withLockedValue({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
                }
            )
        ]
        let started = ContinuousClock.now
        let (indices, joined, opened, joinTime) = try await Cluster.withCluster(options) { cluster in
            let flood = ConnectionFlood(port: cluster.port)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await flood.run(minimum: 10_000, concurrent: 9_000) }
                // The workers start once the flood is well under way.
                while flood.opened.withLockedValue({ $0 }) < 5_000 { try await Task.sleep(for: .milliseconds(10)) }
                floodStarted.withLockedValue { $0 = true }
                let gateOpened = ContinuousClock.now
                try await cluster.waitForWorkers(workers, timeout: .seconds(40))
                let joinTime = ContinuousClock.now - gateOpened
                var indices: [Int] = []
                for try await result in cluster.map(Noop.self, (0..<200).map { UInt64($0) }) {
                    _ = try result.outcome.get()
                    indices.append(result.index)
                }
                flood.stop()
                try await group.waitForAll()
                let opened = flood.opened.withLockedValue { $0 }
                await flood.closeAll()
                return (indices, cluster.statistics.workers, opened, joinTime)
            }
        }
        print(
            "flood: \(opened) connections; \(workers) workers joined \(joinTime) after they started; whole test \(ContinuousClock.now - started)"
        )
        #expect(opened >= 10_000)
        #expect(Set(indices) == Set(0..<200))
        #expect(joined.map(\.id).sorted() == ["local-1", "local-2", "local-3"])
        #expect(joined.allSatisfy { $0.lostReason == nil })
    }
}
