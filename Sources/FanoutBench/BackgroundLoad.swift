#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How much of the load average came from processes other than the bench.
///
/// Linux's 1-minute load average is an exponentially damped mean of the runnable (and uninterruptible) processes:
/// over `T` seconds with `N` runnable on average it moves from `before` to `before · d + N · (1 − d)`, with
/// `d = e^(−T/60)`. Solving for `N` and taking away the bench's own average CPU use leaves the others'.
public enum BackgroundLoad {
    /// The time constant of the 1-minute load average, in seconds.
    public static let oneMinuteTimeConstant = 60.0

    /// The average number of runnable processes other than the bench's between two load readings.
    /// - Parameters:
    ///   - loadBefore: The 1-minute load average at the first reading.
    ///   - loadAfter: The 1-minute load average at the second reading.
    ///   - seconds: Seconds between the readings; positive.
    ///   - benchCPUSeconds: CPU seconds the bench and its local workers used in that time.
    /// - Returns: The others' runnable processes, at least 0; `nil` when `seconds` is not positive.
    public static func otherRunnable(
        loadBefore: Double,
        loadAfter: Double,
        seconds: Double,
        benchCPUSeconds: Double
    ) -> Double? {
        guard seconds > 0 else { return nil }
        let decay = exp(-seconds / Self.oneMinuteTimeConstant)
        let runnable = (loadAfter - loadBefore * decay) / (1 - decay)
        return max(0, runnable - benchCPUSeconds / seconds)
    }
}
