import FanoutJobs

/// The same tasks run one after another on one thread of this process: the baseline a speedup is measured against.
struct SequentialBaseline<Output: Sendable & Equatable>: Sendable {
    var outputs: [Output?]
    var failures: Int
    var wallTime: Duration

    static func measure<W: Workload>(_ workload: W) throws -> SequentialBaseline<W.J.Output>
    where W.J.Output == Output {
        var outputs: [Output?] = []
        outputs.reserveCapacity(workload.taskCount)
        var failures = 0
        let start = ContinuousClock.now
        for index in 0..<workload.taskCount {
            do {
                outputs.append(try W.J.run(workload.input(at: index)))
            } catch {
                outputs.append(nil)
                failures += 1
            }
        }
        return SequentialBaseline(outputs: outputs, failures: failures, wallTime: ContinuousClock.now - start)
    }
}
