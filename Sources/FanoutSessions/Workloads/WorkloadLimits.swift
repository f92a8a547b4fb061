/// The ranges of the workloads' counts and durations, and the one message for a value outside them.
///
/// Every count and duration has a finite range checked before a run, so that no value typed on the command line
/// reaches an allocation, an arithmetic operation or a conversion that could trap.
public enum WorkloadLimits {
    /// The most tasks one run may have: enough for any real run, small enough that per-task bookkeeping (a
    /// sequential baseline's outputs, a bench's futures) stays in memory.
    public static let tasks: ClosedRange<Int> = 1...100_000_000
    /// Worker processes on this machine.
    public static let localWorkers: ClosedRange<Int> = 0...4096
    /// The longest a sleep task may wait, in milliseconds (the sleep job refuses more): an hour.
    public static let sleepMilliseconds: ClosedRange<UInt32> = 0...3_600_000
    /// Terms, samples and limits of the CPU kernels: up to 10¹², hours of work per task, and far from the sizes
    /// where `samples × tasks` or `2n − 1` would overflow 64 bits.
    public static let kernelSize: ClosedRange<UInt64> = 1...1_000_000_000_000

    /// Throws an error naming `option` and `range` unless `range` holds `value`.
    /// - Parameters:
    ///   - value: The value.
    ///   - option: The option as typed, such as `--tasks`.
    ///   - range: The values allowed.
    /// - Throws: ``SessionError`` with code ``SessionError/Code/invalidParameters`` when `value` is out of range.
    public static func check<Value: BinaryInteger>(
        _ value: Value,
        _ option: String,
        in range: ClosedRange<Value>
    ) throws(SessionError) {
        guard range.contains(value) else {
            throw SessionError(
                .invalidParameters,
                "\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value)"
            )
        }
    }
}
