/// Wall time since it was made, in seconds: what every bench measurement reads.
struct Stopwatch: Sendable {
    private let start = ContinuousClock.now

    /// Seconds since the stopwatch was made.
    var seconds: Double { Self.seconds(ContinuousClock.now - self.start) }

    /// A duration in seconds.
    /// - Parameter duration: The duration.
    /// - Returns: The same, as a `Double` of seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
