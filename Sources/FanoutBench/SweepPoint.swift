/// One point of the scaling sweep: a series (mode) at a number of cores.
public struct SweepPoint: Codable, Sendable, Equatable {
    /// The series: `threads`, `local`, `local+hosts`.
    public var series: String
    /// Cores (task slots) used.
    public var cores: Int
    /// What was added at this point (`2 local workers`, `+ 10.213.0.11`).
    public var label: String
    /// Wall times.
    public var wall: TimingSummary
    /// Speedup of the median over the sequential median.
    public var speedup: Double?

    /// Creates a point.
    public init(series: String, cores: Int, label: String, wall: TimingSummary, speedup: Double?) {
        self.series = series
        self.cores = cores
        self.label = label
        self.wall = wall
        self.speedup = speedup
    }
}
