import FanoutBench
import FanoutConfiguration
import FanoutCoordinator
import Testing

@testable import FanoutSessions

@Suite("BenchPlan")
struct BenchPlanTests {
    static func request(_ modes: [BenchMode], hosts: [String] = [], clusterPath: String? = nil) -> BenchRequest {
        var configuration = ClusterConfiguration()
        configuration.hosts = hosts.map { HostSettings(address: $0) }
        return BenchRequest(modes: modes, localWorkers: 3, configuration: configuration, clusterPath: clusterPath)
    }

    @Test("sequential comes first whether asked for or not; the others keep their order")
    func sequentialFirst() {
        let plan = BenchPlan(Self.request([.local, .threads]))
        #expect(plan.modes.map(\.mode) == [.sequential, .local, .threads])
        #expect(BenchPlan(Self.request([])).modes.map(\.mode) == [.sequential])
        #expect(BenchPlan(Self.request([.threads, .sequential])).modes.map(\.mode) == [.sequential, .threads])
    }

    @Test("a mode listed twice is planned once")
    func duplicates() {
        let plan = BenchPlan(Self.request([.local, .local, .remote, .remote]))
        #expect(plan.modes.map(\.mode) == [.sequential, .local])
        #expect(plan.skipped.map(\.mode) == ["remote"])
    }

    @Test("without hosts, remote and all are skipped, saying why")
    func skippedWithoutHosts() {
        let plan = BenchPlan(Self.request(BenchMode.allCases))
        #expect(plan.modes.map(\.mode) == [.sequential, .threads, .local])
        #expect(plan.skipped.map(\.mode) == ["remote", "all"])
        #expect(
            plan.skipped.allSatisfy {
                $0.reason == "no --cluster file with hosts was given (the default cluster is this machine's cores only)"
            }
        )
        let named = BenchPlan(Self.request([.all], clusterPath: "lab.yaml"))
        #expect(named.skipped.map(\.reason) == ["the cluster file lab.yaml lists no hosts"])
    }

    @Test("threads use the local worker count; local, remote and all get their workers and hosts")
    func clusterOptions() throws {
        let plan = BenchPlan(Self.request(BenchMode.allCases, hosts: ["a", "b"]))
        #expect(plan.skipped.isEmpty)
        #expect(plan.modes.map(\.mode) == BenchMode.allCases)
        guard case .threads(let threads) = plan.modes[1] else {
            Issue.record("not threads: \(plan.modes[1])")
            return
        }
        #expect(threads == 3)
        var clusters: [BenchMode: (workers: Int?, hosts: [String])] = [:]
        for case .cluster(let mode, let options) in plan.modes {
            clusters[mode] = (options.localWorkers, options.configuration.hosts.map(\.address))
        }
        #expect(clusters[.local]?.workers == 3 && clusters[.local]?.hosts == [])
        #expect(clusters[.remote]?.workers == 0 && clusters[.remote]?.hosts == ["a", "b"])
        #expect(clusters[.all]?.workers == 3 && clusters[.all]?.hosts == ["a", "b"])
        #expect(plan.modes.filter(\.isCluster).map(\.label) == ["local", "remote", "all"])
    }

    @Test("steps: one task timed, cluster modes calibrated, in-process modes warmed up, then rounds of every mode")
    func stepOrder() {
        let plan = BenchPlan(Self.request([.threads, .local]))
        #expect(
            plan.steps(warmups: 2, repeats: 3) == [
                .timeOneTask,
                .calibrate(mode: 2),
                .warmUp(mode: 0, run: 0), .warmUp(mode: 1, run: 0),
                .warmUp(mode: 0, run: 1), .warmUp(mode: 1, run: 1),
                .measure(mode: 0, round: 0), .measure(mode: 1, round: 0), .measure(mode: 2, round: 0),
                .measure(mode: 0, round: 1), .measure(mode: 1, round: 1), .measure(mode: 2, round: 1),
                .measure(mode: 0, round: 2), .measure(mode: 1, round: 2), .measure(mode: 2, round: 2),
            ]
        )
    }

    @Test("no warm-ups means none; no repeats still measures one round")
    func stepBounds() {
        let plan = BenchPlan(Self.request([.local]))
        #expect(
            plan.steps(warmups: 0, repeats: 0) == [
                .timeOneTask, .calibrate(mode: 1), .measure(mode: 0, round: 0), .measure(mode: 1, round: 0),
            ]
        )
    }
}
