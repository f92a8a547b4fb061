/// The scheduler's time: monotonic nanoseconds since the process first asked. The driver reads it once per event
/// and hands it to the state machine, which never reads a clock itself.
enum MonotonicClock {
    private static let epoch = ContinuousClock.now

    /// Nanoseconds since the epoch.
    static func nanoseconds() -> UInt64 {
        let elapsed = (ContinuousClock.now - Self.epoch).components
        return UInt64(clamping: elapsed.seconds) &* 1_000_000_000
            &+ UInt64(clamping: elapsed.attoseconds / 1_000_000_000)
    }
}
