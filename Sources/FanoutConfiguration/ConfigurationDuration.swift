/// The range every duration of a ``ClusterConfiguration`` is held to, and its one safe conversion to `Duration`.
///
/// A configuration file can only hold durations in ``minimumSeconds``...``maximumSeconds``; settings built in code
/// can hold anything a `Double` can, so consumers convert with ``duration(seconds:)`` rather than
/// `Int64(seconds * 1000)`, which traps on `inf`, `nan` and `1e300`.
public enum ConfigurationDuration {
    /// The shortest duration accepted, in seconds: one millisecond, so no duration rounds down to zero.
    public static let minimumSeconds = 0.001
    /// The longest duration accepted, in seconds: one day.
    public static let maximumSeconds = 86_400.0

    /// A number of seconds as whole milliseconds, clamped into ``minimumSeconds``...``maximumSeconds``.
    ///
    /// - Parameter seconds: Seconds as configured; `nan` and anything below the range give the minimum, `inf` and
    ///   anything above it the maximum.
    /// - Returns: A duration of at least 1 ms and at most a day, which never traps a later conversion to whole
    ///   milliseconds in an `Int64` or a `UInt32`.
    public static func duration(seconds: Double) -> Duration {
        let clamped = seconds.isNaN ? minimumSeconds : min(max(seconds, minimumSeconds), maximumSeconds)
        return .milliseconds(Int64((clamped * 1000).rounded()))
    }
}
