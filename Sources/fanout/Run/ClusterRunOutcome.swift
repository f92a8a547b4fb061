import FanoutCoordinator
import FanoutJobs

/// What one run on the cluster produced, gathered while results stream in.
/// Built and read by one task at a time (the run, then the summary); marked Sendable to cross that one hand-off.
struct ClusterRunOutcome<Output: Sendable & Equatable>: @unchecked Sendable {
    let started: ContinuousClock.Instant
    var firstResult: ContinuousClock.Instant?
    /// When every expected worker had joined (measured with --speedup and --wait-for-workers only).
    var workersReady: ContinuousClock.Instant?
    var finished: ContinuousClock.Instant?
    var completed = 0
    var failed = 0
    var failures: [(index: Int, message: String)] = []
    /// Outputs by index, kept only when they must be compared with a sequential run.
    var outputs: [Int: Output] = [:]
    var accumulator: any WorkloadAccumulator<Output>
    var workers: [ClusterStatistics.Worker] = []
    var hosts: [HostReport] = []
    var retried = 0
    var speculativeCopies = 0
    var speculativeWins = 0
    /// Queued tasks handed to idle workers at the end of the run.
    var movedTasks = 0
    /// Results read back from the journal instead of computed in this run.
    var replayed = 0
    /// The `--journal` file, if the run kept one.
    var journalPath: String?
    var error: (any Error)?

    init(started: ContinuousClock.Instant, accumulator: any WorkloadAccumulator<Output>) {
        self.started = started
        self.accumulator = accumulator
    }

    mutating func record(_ result: TaskResult<Output>, keepOutputs: Bool) {
        if self.firstResult == nil { self.firstResult = ContinuousClock.now }
        if result.replayed { self.replayed += 1 }
        switch result.outcome {
        case .success(let output):
            self.completed += 1
            self.accumulator.add(index: result.index, output: output)
            if keepOutputs { self.outputs[result.index] = output }
        case .failure(let failure):
            self.failed += 1
            if self.failures.count < 20 { self.failures.append((result.index, failure.message)) }
        }
    }

    var wallTime: Duration { (self.finished ?? ContinuousClock.now) - self.started }

    /// Time from every worker being ready to the last result, when that was measured.
    var computeTime: Duration? { self.workersReady.map { (self.finished ?? ContinuousClock.now) - $0 } }
}
