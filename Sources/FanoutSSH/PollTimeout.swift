/// Conversion of a `Duration` to `poll`'s millisecond timeout, rounding up so a wait never ends early.
enum PollTimeout {
    /// The longest single `poll`, so that nothing waits unboundedly even if a wake-up were lost.
    static let maximumMilliseconds: Int32 = 1_000

    /// - Parameter duration: How long to wait at most.
    /// - Returns: Milliseconds for `poll`, at least 0 and at most `maximumMilliseconds`.
    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let milliseconds = seconds * 1_000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(min(milliseconds, Int64(self.maximumMilliseconds)))
    }
}
