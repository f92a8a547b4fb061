import FanoutConfiguration
import FanoutCoordinator
import Synchronization
import Testing
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `Cluster.withCluster` as a service group, and signals shutting it down through ``SignalShutdown``, in process:
/// a cluster with no workers, so no process is started.
@Suite("Cluster lifecycle", .serialized, .timeLimit(.minutes(1)))
struct ClusterLifecycleTests {
    struct BodyFailure: Error, Equatable {}

    static var options: ClusterOptions {
        var configuration = ClusterConfiguration()
        configuration.transport = .plain
        return ClusterOptions(configuration: configuration, localWorkers: 0)
    }

    @Test func theBodysValueAndErrorComeBack() async throws {
        let value = try await Cluster.withCluster(Self.options) { cluster in cluster.port }
        #expect(value > 0)
        await #expect(throws: BodyFailure()) {
            try await Cluster.withCluster(Self.options) { _ in throw BodyFailure() }
        }
    }

    @Test func aClusterIsStoppedWhenItsTaskIsCancelled() async throws {
        let started = ContinuousClock.now
        let task = Task {
            try await Cluster.withCluster(Self.options) { _ in try await Task.sleep(for: .seconds(30)) }
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("the first signal shuts the cluster down in order: its body is cancelled and returns what it has")
    func firstSignalShutsDownGracefully() async throws {
        let seen = Mutex<[Int]>([])
        let started = ContinuousClock.now
        let outcome = try await SignalShutdown.run(
            signals: [.sigusr1],
            onSignal: { signal, count in
                #expect(signal == .sigusr1)
                seen.withLock { $0.append(count) }
            },
            operation: {
                try await Cluster.withCluster(Self.options) { _ in
                    kill(getpid(), SIGUSR1)
                    do {
                        try await Task.sleep(for: .seconds(30))
                        return "slept"
                    } catch {
                        return "cancelled"
                    }
                }
            }
        )
        #expect(outcome == "cancelled")
        #expect(seen.withLock { $0 } == [1])
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("later signals are reported to the caller while the shutdown goes on")
    func secondSignalIsReported() async throws {
        let seen = Mutex<[Int]>([])
        let outcome = try await SignalShutdown.run(
            signals: [.sigusr2],
            onSignal: { _, count in seen.withLock { $0.append(count) } },
            operation: {
                try await Cluster.withCluster(Self.options) { _ in
                    kill(getpid(), SIGUSR2)
                    // Still shutting down when the second arrives.
                    try? await Task.sleep(for: .seconds(30))
                    kill(getpid(), SIGUSR2)
                    let deadline = ContinuousClock.now + .seconds(5)
                    while seen.withLock({ $0.count }) < 2, ContinuousClock.now < deadline {
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                    return 7
                }
            }
        )
        #expect(outcome == 7)
        #expect(seen.withLock { $0 } == [1, 2])
    }

    @Test func anOperationThatEndsByItselfIsNotDisturbed() async throws {
        let outcome = try await SignalShutdown.run(signals: [.sigusr1], onSignal: { _, _ in }, operation: { 42 })
        #expect(outcome == 42)
    }
}
