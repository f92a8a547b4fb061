extension Duration {
    /// Whole nanoseconds, saturating at `Int64.max` (about 292 years) or `Int64.min` rather than trapping.
    public var saturatingNanoseconds: Int64 {
        let parts = self.components
        let (seconds, overflow) = parts.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return parts.seconds < 0 ? .min : .max }
        let (total, overflowAgain) = seconds.addingReportingOverflow(parts.attoseconds / 1_000_000_000)
        return overflowAgain ? (total < 0 ? .max : .min) : total
    }

    /// Whole milliseconds, saturating like ``saturatingNanoseconds``.
    public var saturatingMilliseconds: Int64 { self.saturatingNanoseconds / 1_000_000 }

    /// The duration in seconds, as a `Double`: for printing and statistics.
    public var secondsAsDouble: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
