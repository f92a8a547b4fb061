/// One thing a bench does while measuring its modes; ``BenchPlan/steps(warmups:repeats:)`` puts them in order.
enum BenchStep: Sendable, Equatable {
    /// Time the middle task on this machine's one thread: hosts' per-core speed is measured against it.
    case timeOneTask
    /// The calibration run of the cluster mode at this index of ``BenchPlan/modes``, which is also its warm-up.
    case calibrate(mode: Int)
    /// Unmeasured run `run` (from 0) of the in-process mode at this index.
    case warmUp(mode: Int, run: Int)
    /// Measured run of the mode at this index in round `round` (from 0).
    case measure(mode: Int, round: Int)
}
