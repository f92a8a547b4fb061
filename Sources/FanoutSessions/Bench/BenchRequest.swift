import FanoutConfiguration
import NIOCore

/// What one bench measures, as plain values: the modes, how many runs, on how many local workers and which
/// cluster, and the extra sections (lessons, sweep, overhead).
///
/// ``BenchSession`` runs it; ``validate()`` checks it first (the command line does so while parsing).
public struct BenchRequest: Sendable {
    /// The modes to measure, in order; `sequential` is measured whether listed or not (every speedup is over it).
    public var modes: [BenchMode]
    /// Measured runs per mode, after the warm-up, within ``repeatRange``.
    public var repeats: Int
    /// Unmeasured warm-up runs per mode, within ``warmupRange``.
    public var warmups: Int
    /// Local worker processes (and threads in `threads` mode), within ``localWorkerRange``.
    public var localWorkers: Int
    /// The cluster: its hosts are used by the `remote` and `all` modes, the sweep and the overhead.
    public var configuration: ClusterConfiguration
    /// The file ``configuration`` came from, for the report's provenance and skip reasons; `nil` for built-in
    /// defaults.
    public var clusterPath: String?
    /// Run the concurrency-versus-parallelism experiments.
    public var lessons: Bool
    /// Sweep 1…N workers (local cores, then adding hosts).
    public var sweep: Bool
    /// Measure overheads: no-op tasks per second, latency percentiles, the efficiency of 1 ms tasks.
    public var overhead: Bool
    /// No-op tasks per throughput measurement (``overhead``), within ``WorkloadLimits/tasks``.
    public var noopTasks: Int
    /// Single-task round trips per latency measurement (``overhead``), within ``latencySampleRange``.
    public var latencySamples: Int
    /// A note added to each overhead setting's name, such as `+10 ms delay`.
    public var overheadLabel: String?
    /// Tasks of the I/O-bound sleep kernel (``lessons``), within ``sleepTaskRange``.
    public var sleepTasks: Int
    /// Milliseconds each sleep task waits (``lessons``), within ``WorkloadLimits/sleepMilliseconds``.
    public var sleepMilliseconds: UInt32
    /// The command line the report's provenance records, program first.
    public var commandLine: [String]

    /// The accepted ``repeats``.
    public static let repeatRange: ClosedRange<Int> = 1...1000
    /// The accepted ``warmups``.
    public static let warmupRange: ClosedRange<Int> = 0...100
    /// The accepted ``localWorkers``.
    public static let localWorkerRange: ClosedRange<Int> = 1...4096
    /// The accepted ``latencySamples``.
    public static let latencySampleRange: ClosedRange<Int> = 1...1_000_000
    /// The accepted ``sleepTasks``: the lessons hold one future per sleep task and wait tasks × milliseconds one
    /// after another.
    public static let sleepTaskRange: ClosedRange<Int> = 1...100_000

    /// Creates a request; the defaults are `fanout bench`'s.
    /// - Parameters:
    ///   - modes: The modes to measure (`sequential` always is).
    ///   - repeats: Measured runs per mode.
    ///   - warmups: Unmeasured warm-up runs per mode.
    ///   - localWorkers: Local worker processes and threads; `nil` for one per core.
    ///   - configuration: The cluster.
    ///   - clusterPath: The file the configuration came from, if any.
    ///   - lessons: Run the concurrency-versus-parallelism experiments.
    ///   - sweep: Sweep 1…N workers.
    ///   - overhead: Measure overheads.
    ///   - noopTasks: No-op tasks per throughput measurement.
    ///   - latencySamples: Single-task round trips per latency measurement.
    ///   - overheadLabel: A note added to each overhead setting's name.
    ///   - sleepTasks: Tasks of the I/O-bound sleep kernel.
    ///   - sleepMilliseconds: Milliseconds each sleep task waits.
    ///   - commandLine: The command line for the provenance (this process's, unless given).
    public init(
        modes: [BenchMode] = BenchMode.allCases,
        repeats: Int = 5,
        warmups: Int = 1,
        localWorkers: Int? = nil,
        configuration: ClusterConfiguration = ClusterConfiguration(),
        clusterPath: String? = nil,
        lessons: Bool = false,
        sweep: Bool = false,
        overhead: Bool = false,
        noopTasks: Int = 20_000,
        latencySamples: Int = 200,
        overheadLabel: String? = nil,
        sleepTasks: Int = 40,
        sleepMilliseconds: UInt32 = 25,
        commandLine: [String] = CommandLine.arguments
    ) {
        self.modes = modes
        self.repeats = repeats
        self.warmups = warmups
        self.localWorkers = localWorkers ?? System.coreCount
        self.configuration = configuration
        self.clusterPath = clusterPath
        self.lessons = lessons
        self.sweep = sweep
        self.overhead = overhead
        self.noopTasks = noopTasks
        self.latencySamples = latencySamples
        self.overheadLabel = overheadLabel
        self.sleepTasks = sleepTasks
        self.sleepMilliseconds = sleepMilliseconds
        self.commandLine = commandLine
    }

    /// Checks every count against its range, so that no value reaches an allocation or a conversion that could
    /// trap. Messages name the command-line options (`--repeat must be between 1 and 1000, got 0`).
    /// - Throws: ``BenchError`` with code ``BenchError/Code/invalidRequest`` for the first value out of range.
    public func validate() throws(BenchError) {
        do {
            try WorkloadLimits.check(self.repeats, "--repeat", in: Self.repeatRange)
            try WorkloadLimits.check(self.warmups, "--warmup", in: Self.warmupRange)
            try WorkloadLimits.check(self.localWorkers, "--workers", in: Self.localWorkerRange)
            try WorkloadLimits.check(self.noopTasks, "--noop-tasks", in: WorkloadLimits.tasks)
            try WorkloadLimits.check(self.latencySamples, "--latency-samples", in: Self.latencySampleRange)
            try WorkloadLimits.check(self.sleepTasks, "--sleep-tasks", in: Self.sleepTaskRange)
            try WorkloadLimits.check(
                self.sleepMilliseconds,
                "--sleep-milliseconds",
                in: WorkloadLimits.sleepMilliseconds
            )
        } catch {
            throw BenchError(.invalidRequest, error.message)
        }
    }

    /// Whether the bench starts clusters with the cluster file's hosts, so their CPUs belong in the provenance.
    var usesHosts: Bool {
        self.modes.contains(where: \.needsHosts) || self.sweep || self.overhead
    }
}
