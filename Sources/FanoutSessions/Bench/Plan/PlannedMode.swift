import FanoutCoordinator

/// One mode of a bench as it will be run: the baseline, in-process threads, or a cluster of workers.
enum PlannedMode: Sendable {
    /// Every task one after another on one thread.
    case sequential
    /// Every task on this many threads of this process.
    case threads(Int)
    /// Every task on a cluster started afresh for each run.
    case cluster(BenchMode, ClusterOptions)

    /// The mode asked for.
    var mode: BenchMode {
        switch self {
        case .sequential: .sequential
        case .threads: .threads
        case .cluster(let mode, _): mode
        }
    }

    /// Whether it starts a cluster (whose warm-up is its calibration run).
    var isCluster: Bool {
        if case .cluster = self { return true }
        return false
    }

    /// The name in progress lines and reports.
    var label: String { self.mode.rawValue }
}
