/// Keeps one core busy for a fixed wall-clock time by spinning on the clock: a CPU-occupying task whose length
/// does not depend on how fast the core is or on what the machine's other cores do.
///
/// Used to measure Fanout's own per-task overhead (`fanout bench --overhead`'s efficiency of 1 ms tasks): with
/// compute kernels, two busy vCPUs of a VM often deliver less than twice one vCPU's work, and that would be
/// charged to Fanout. It cannot be optimised away: it returns how many times it read the clock.
public enum Spin: Job {
    public static let name = "spin"

    /// Spins for `microseconds` and returns how many clock reads that took (at least 1).
    public static func run(_ microseconds: UInt32) throws -> UInt64 {
        guard microseconds <= 3_600_000_000 else { throw JobFailure("spin: \(microseconds) µs is over an hour") }
        let clock = ContinuousClock()
        let deadline = clock.now + .microseconds(Int64(microseconds))
        var reads: UInt64 = 1
        while clock.now < deadline { reads &+= 1 }
        return reads
    }
}
