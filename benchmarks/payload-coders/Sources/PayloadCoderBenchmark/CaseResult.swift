/// What the rounds measured for one case: the time per operation of each round.
struct CaseResult: Sendable {
    var benchmarkCase: BenchmarkCase
    var iterationsPerBatch: Int
    var nanosecondsPerOperation: [Double]

    /// The median over rounds.
    var median: Double { self.quantile(0.5) }
    var lowerQuartile: Double { self.quantile(0.25) }
    var upperQuartile: Double { self.quantile(0.75) }

    /// Linear interpolation between the closest ranks.
    func quantile(_ fraction: Double) -> Double {
        let sorted = self.nanosecondsPerOperation.sorted()
        guard let first = sorted.first else { return .nan }
        guard sorted.count > 1 else { return first }
        let rank = fraction * Double(sorted.count - 1)
        let below = Int(rank.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let weight = rank - Double(below)
        return sorted[below] * (1 - weight) + sorted[above] * weight
    }
}
