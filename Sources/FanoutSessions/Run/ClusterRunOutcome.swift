import FanoutCoordinator
import FanoutJobs

/// What one run on the cluster produced, gathered while results stream in.
/// Built and read by one task at a time (the run, then the summary); marked Sendable to cross that one hand-off.
public struct ClusterRunOutcome<Output: Sendable & Equatable>: @unchecked Sendable {
    /// When the run started (before the workers).
    public let started: ContinuousClock.Instant
    /// When the first result arrived.
    public var firstResult: ContinuousClock.Instant?
    /// When every expected worker had joined (measured with --speedup and --wait-for-workers only).
    public var workersReady: ContinuousClock.Instant?
    /// When the last result arrived or the run stopped.
    public var finished: ContinuousClock.Instant?
    /// Tasks that succeeded.
    public var completed = 0
    /// Tasks that failed.
    public var failed = 0
    /// The first failures (at most ``maximumFailuresKept``), by task index.
    public var failures: [(index: Int, message: String)] = []
    /// Outputs by index, kept only when they must be compared with a sequential run.
    public var outputs: [Int: Output] = [:]
    /// The workload's summary of the outputs.
    public var accumulator: any WorkloadAccumulator<Output>
    /// Every worker that took part.
    public var workers: [ClusterStatistics.Worker] = []
    /// What was found on each remote host.
    public var hosts: [HostReport] = []
    /// Tasks reassigned after a worker was lost.
    public var retried = 0
    /// Stragglers copied to idle workers near the end.
    public var speculativeCopies = 0
    /// Copies that finished first.
    public var speculativeWins = 0
    /// Queued tasks handed to idle workers at the end of the run.
    public var movedTasks = 0
    /// Results read back from the journal instead of computed in this run.
    public var replayed = 0
    /// The `--journal` file, if the run kept one.
    public var journalPath: String?
    /// What stopped the run early, if anything.
    public var error: (any Error)?

    /// How many failures are kept with their messages.
    public static var maximumFailuresKept: Int { 20 }

    /// Starts a tally.
    /// - Parameters:
    ///   - started: When the run started.
    ///   - accumulator: The workload's fresh accumulator.
    public init(started: ContinuousClock.Instant, accumulator: any WorkloadAccumulator<Output>) {
        self.started = started
        self.accumulator = accumulator
    }

    /// Counts one result.
    /// - Parameters:
    ///   - result: A task's result.
    ///   - keepOutputs: Whether to keep the output for comparison with a sequential run.
    public mutating func record(_ result: TaskResult<Output>, keepOutputs: Bool) {
        if self.firstResult == nil { self.firstResult = ContinuousClock.now }
        if result.replayed { self.replayed += 1 }
        switch result.outcome {
        case .success(let output):
            self.completed += 1
            self.accumulator.add(index: result.index, output: output)
            if keepOutputs { self.outputs[result.index] = output }
        case .failure(let failure):
            self.failed += 1
            if self.failures.count < Self.maximumFailuresKept { self.failures.append((result.index, failure.message)) }
        }
    }

    /// Time from the start to the last result.
    public var wallTime: Duration { (self.finished ?? ContinuousClock.now) - self.started }

    /// Time from every worker being ready to the last result, when that was measured.
    public var computeTime: Duration? { self.workersReady.map { (self.finished ?? ContinuousClock.now) - $0 } }
}
