import FanoutCoordinator

/// One mode of a bench as it will be run: the baseline, in-process threads, or a cluster of workers.
enum PlannedMode: Sendable {
    case sequential
    case threads
    case cluster(mode: String, options: ClusterOptions)

    /// Whether it starts a cluster (whose warm-up is its calibration run).
    var isCluster: Bool {
        if case .cluster = self { return true }
        return false
    }

    /// The name in progress lines.
    var label: String {
        switch self {
        case .sequential: "sequential"
        case .threads: "threads"
        case .cluster(let mode, _): mode
        }
    }
}
