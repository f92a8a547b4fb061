#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one monotonic clock of coordinator and workers, read as plain integers: `Duration` arithmetic costs more
/// than a no-op task, and the hot paths (a worker timing each task, the scheduler stamping each event) read it per
/// task. Readings only mean something relative to each other, within one process.
public enum MonotonicClock {
    /// Nanoseconds on `CLOCK_MONOTONIC`.
    /// - Returns: The reading.
    @inlinable
    public static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    /// Whole milliseconds on `CLOCK_MONOTONIC`.
    /// - Returns: The reading.
    @inlinable
    public static func milliseconds() -> Int64 {
        Int64(Self.nanoseconds() / 1_000_000)
    }

    /// A configured number of seconds as nanoseconds, saturating: `inf` and anything past `UInt64.max` give
    /// `UInt64.max`, `nan`, zero and negative values give 0, so a configured duration never traps.
    /// - Parameter seconds: Seconds, as configured.
    /// - Returns: Nanoseconds.
    public static func nanoseconds(seconds: Double) -> UInt64 {
        guard seconds.isFinite, seconds > 0 else { return seconds == .infinity ? UInt64.max : 0 }
        let value = seconds * 1e9
        return value >= 18_446_744_073_709_549_568 ? UInt64.max : UInt64(value)
    }
}
