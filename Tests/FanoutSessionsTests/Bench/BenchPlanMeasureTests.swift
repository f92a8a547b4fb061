import FanoutBench
import FanoutConfiguration
import Synchronization
import Testing

@testable import FanoutSessions

/// A runner that runs nothing: it records each call and answers with made-up figures.
private final class RecordingRunner: BenchModeRunner {
    enum Call: Equatable {
        case oneTask
        case calibrate(BenchMode, oneTaskSeconds: Double)
        case run(BenchMode)
    }

    private let recorded = Mutex<[Call]>([])
    /// The wall time of the next run of each mode, in turn.
    let walls: [BenchMode: [Double]]
    /// The mode whose next run throws.
    let failing: BenchMode?

    init(walls: [BenchMode: [Double]], failing: BenchMode? = nil) {
        self.walls = walls
        self.failing = failing
    }

    var calls: [Call] { self.recorded.withLock { $0 } }

    func oneTaskSeconds() async throws -> Double {
        self.recorded.withLock { $0.append(.oneTask) }
        return 0.5
    }

    func calibrate(_ mode: PlannedMode, oneTaskSeconds: Double) async throws -> [String: Double] {
        self.recorded.withLock { $0.append(.calibrate(mode.mode, oneTaskSeconds: oneTaskSeconds)) }
        return ["local": 1.25]
    }

    func runOnce(_ mode: PlannedMode) async throws -> ClusterRunMeasurement {
        let count = self.recorded.withLock { calls in
            calls.append(.run(mode.mode))
            return calls.filter { $0 == .run(mode.mode) }.count
        }
        if mode.mode == self.failing { throw BenchError(.taskFailed, "1 tasks failed in a \(mode.label) run") }
        let walls = self.walls[mode.mode] ?? [1]
        var measurement = ClusterRunMeasurement(wall: walls[(count - 1) % walls.count])
        if mode.isCluster {
            measurement.launch = 0.1
            measurement.lastResult = measurement.wall - 0.05
            measurement.slots = ["local": 2]
            measurement.tasks = ["local": 8]
            measurement.busy = ["local": 1.5]
            measurement.workers = 2
        }
        return measurement
    }
}

@Suite("BenchPlan.measure")
struct BenchPlanMeasureTests {
    static let plan = BenchPlan(BenchRequest(modes: [.sequential, .threads, .local], localWorkers: 2))

    @Test("measured runs go in rounds of one run per mode, after the calibration and the warm-ups")
    func interleavedRounds() async throws {
        let runner = RecordingRunner(walls: [.sequential: [4, 2, 3], .threads: [2, 1, 3], .local: [1]])
        let lines = ProgressLines()
        _ = try await Self.plan.measure(with: runner, warmups: 1, repeats: 2) { lines.append($0) }
        #expect(
            runner.calls == [
                .oneTask, .calibrate(.local, oneTaskSeconds: 0.5),
                .run(.sequential), .run(.threads),
                .run(.sequential), .run(.threads), .run(.local),
                .run(.sequential), .run(.threads), .run(.local),
            ]
        )
        #expect(
            lines.all == [
                "sequential: warm-up 1/1: 4.000 s", "threads: warm-up 1/1: 2.000 s",
                "sequential: run 1/2: 2.000 s", "threads: run 1/2: 1.000 s", "local: run 1/2: 1.000 s",
                "sequential: run 2/2: 3.000 s", "threads: run 2/2: 3.000 s", "local: run 2/2: 1.000 s",
            ]
        )
    }

    @Test("warm-up runs are not measured; each mode's result is over its measured runs")
    func results() async throws {
        let runner = RecordingRunner(walls: [.sequential: [100, 4, 2], .threads: [100, 1, 2], .local: [1, 2]])
        let (sequential, modes, _) = try await Self.plan.measure(with: runner, warmups: 1, repeats: 2) { _ in }
        #expect(sequential.samples == [4, 2] && sequential.median == 3)
        #expect(modes.map(\.mode) == ["sequential", "threads", "local"])
        #expect(modes[0].coresUsed == 1 && modes[0].workers == 1 && modes[0].speedup == 1)
        #expect(modes[1].wall.samples == [1, 2] && modes[1].coresUsed == 2 && modes[1].speedup == 2)
        let local = modes[2]
        #expect(local.wall.samples == [1, 2] && local.coresUsed == 2 && local.workers == 2)
        #expect(local.hosts.map(\.host) == ["local"] && local.hosts.first?.tasks == 8)
        #expect(local.hosts.first?.perCoreSpeed == 1.25)
        #expect(local.hosts.first?.share == 1)
        #expect(local.phases != nil)
        // Speedup intervals over the sequential samples for every mode but sequential itself.
        #expect(modes[0].speedupCI95 == nil)
        #expect(modes[1].speedupCI95 != nil && modes[1].efficiencyCI95 != nil)
        #expect(local.speedupCI95 != nil && local.efficiencyCI95 != nil)
    }

    @Test("a failed run stops the bench with its error")
    func failurePropagates() async {
        let runner = RecordingRunner(walls: [:], failing: .threads)
        let error = await #expect(throws: BenchError.self) {
            _ = try await Self.plan.measure(with: runner, warmups: 0, repeats: 3) { _ in }
        }
        #expect(error?.code == .taskFailed)
        #expect(runner.calls == [.oneTask, .calibrate(.local, oneTaskSeconds: 0.5), .run(.sequential), .run(.threads)])
    }
}
