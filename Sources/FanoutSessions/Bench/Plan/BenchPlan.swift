import FanoutBench

/// The modes a request will measure, in order, and those it asked for but cannot run.
///
/// `sequential` comes first whether asked for or not: every speedup is over it. `remote` and `all` are skipped,
/// with a reason, when the cluster lists no hosts.
struct BenchPlan: Sendable {
    /// The modes to measure; the first is `sequential`.
    var modes: [PlannedMode]
    /// The modes asked for that cannot run.
    var skipped: [SkippedMode]

    /// Plans a request.
    /// - Parameter request: The bench.
    init(_ request: BenchRequest) {
        self.modes = [.sequential]
        self.skipped = []
        var seen: Set<BenchMode> = []
        for mode in request.modes where seen.insert(mode).inserted {
            switch mode {
            case .sequential:
                break
            case .threads:
                self.modes.append(.threads(request.localWorkers))
            case .local, .remote, .all:
                if mode.needsHosts, let reason = request.remoteSkipReason {
                    self.skipped.append(SkippedMode(mode: mode.rawValue, reason: reason))
                    continue
                }
                let options = request.clusterOptions(
                    localWorkers: mode == .remote ? 0 : request.localWorkers,
                    hosts: mode == .local ? [] : request.hosts
                )
                self.modes.append(.cluster(mode, options))
            }
        }
    }

    /// The order the runs happen in: the time of one task here, each cluster mode's calibration run (which also
    /// starts and deploys its workers), the warm-ups of the in-process modes, then the measured runs in rounds of
    /// one run per mode.
    ///
    /// Rounds, because on a shared machine whose speed drifts by several per cent from minute to minute, all
    /// sequential runs first and all parallel runs later would put the drift into the speedup.
    /// - Parameters:
    ///   - warmups: Unmeasured runs per in-process mode.
    ///   - repeats: Measured runs per mode (at least one is made).
    /// - Returns: The steps, in order.
    func steps(warmups: Int, repeats: Int) -> [BenchStep] {
        var steps: [BenchStep] = [.timeOneTask]
        for (index, mode) in self.modes.enumerated() where mode.isCluster {
            steps.append(.calibrate(mode: index))
        }
        for run in 0..<max(0, warmups) {
            for (index, mode) in self.modes.enumerated() where !mode.isCluster {
                steps.append(.warmUp(mode: index, run: run))
            }
        }
        for round in 0..<max(1, repeats) {
            for index in self.modes.indices {
                steps.append(.measure(mode: index, round: round))
            }
        }
        return steps
    }
}
