/// The figures of one overhead repetition.
struct OverheadRun: Sendable {
    var firstResult = 0.0
    var slots = 0
    var latencies: [UInt64] = []
    var rate = 0.0
    var efficiency = 0.0
}
