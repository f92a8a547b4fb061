#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Waits without using the CPU: the I/O-bound kernel. It speeds up from concurrency alone (many in flight on one
/// core) and gains nothing from more cores, the other half of the concurrency-vs-parallelism lesson.
public enum Sleep: Job {
    public static let name = "sleep"

    /// Sleeps for `milliseconds` and returns how long it slept.
    public static func run(_ milliseconds: UInt32) throws -> UInt32 {
        guard milliseconds <= 3_600_000 else { throw JobFailure("sleep: \(milliseconds) ms is over an hour") }
        var request = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
        return milliseconds
    }
}
