import FanoutConfiguration

/// What one `fanout bench` does, resolved from its options.
struct BenchSettings: Sendable {
    var modes: [BenchMode]
    var repeats: Int
    var warmups: Int
    /// Local worker processes (and threads in `threads` mode).
    var localWorkers: Int
    var configuration: ClusterConfiguration
    var clusterPath: String?
    var lessons: Bool
    var sweep: Bool
    var overhead: Bool
    var noopTasks: Int
    var latencySamples: Int
    var overheadLabel: String?
    var sleepTasks: Int
    var sleepMilliseconds: UInt32
    var outputDirectory: String?
    var quiet: Bool
}
