/// What the machine said about itself around the measured runs, read by the caller (the CLI) and handed to
/// ``BenchWarning/warnings(for:readings:thresholds:)`` as plain values, so the warnings can be tested with planted
/// readings.
public struct MachineReadings: Sendable, Equatable {
    /// The 1, 5 and 15 minute load averages (/proc/loadavg) before the first measured run.
    public var loadBefore: [Double]
    /// The same after the last measured run.
    public var loadAfter: [Double]
    /// Seconds between the two load readings.
    public var secondsBetweenReadings: Double?
    /// CPU seconds the bench itself used between the two load readings: its own process and its local worker
    /// processes (user + system, `RUSAGE_SELF` + `RUSAGE_CHILDREN`), so its own load is not taken for someone
    /// else's.
    public var benchCPUSeconds: Double?
    /// The text of /proc/stat before the first measured run (only its `cpu` line is read).
    public var procStatBefore: String?
    /// The text of /proc/stat after the last measured run.
    public var procStatAfter: String?
    /// The text of each CPU's `cpufreq/scaling_governor` file; empty where the machine exposes none (most
    /// virtual machines).
    public var scalingGovernors: [String]

    /// Creates readings; anything not read is left out and its warning is not computed.
    public init(
        loadBefore: [Double] = [],
        loadAfter: [Double] = [],
        secondsBetweenReadings: Double? = nil,
        benchCPUSeconds: Double? = nil,
        procStatBefore: String? = nil,
        procStatAfter: String? = nil,
        scalingGovernors: [String] = []
    ) {
        self.loadBefore = loadBefore
        self.loadAfter = loadAfter
        self.secondsBetweenReadings = secondsBetweenReadings
        self.benchCPUSeconds = benchCPUSeconds
        self.procStatBefore = procStatBefore
        self.procStatAfter = procStatAfter
        self.scalingGovernors = scalingGovernors
    }
}

extension MachineReadings {
    /// Readings from two snapshots and the bench's CPU use between them.
    /// - Parameters:
    ///   - before: The snapshot before the first measured run.
    ///   - after: The snapshot after the last one.
    ///   - secondsBetweenReadings: Seconds between the two snapshots.
    ///   - benchCPUSeconds: CPU seconds the bench and its local workers used between them.
    public init(
        before: MachineSnapshot,
        after: MachineSnapshot,
        secondsBetweenReadings: Double?,
        benchCPUSeconds: Double?
    ) {
        self.init(
            loadBefore: before.loadAverages,
            loadAfter: after.loadAverages,
            secondsBetweenReadings: secondsBetweenReadings,
            benchCPUSeconds: benchCPUSeconds,
            procStatBefore: before.procStat,
            procStatAfter: after.procStat,
            // A governor changed mid-run is as bad as one set from the start: report what either reading saw.
            scalingGovernors: after.scalingGovernors.isEmpty ? before.scalingGovernors : after.scalingGovernors
        )
    }
}
