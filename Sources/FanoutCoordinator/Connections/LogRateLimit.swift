/// A token bucket for log lines that someone else decides to cause (a worker's `log` messages, connections dropped
/// by the listener): a burst goes through, then a steady rate; what is dropped is counted, so the next line that
/// goes through can say how many were suppressed.
struct LogRateLimit: Sendable {
    /// Lines allowed at once.
    let burst: Double
    /// Lines allowed per second after the burst.
    let perSecond: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant?
    private var suppressed = 0

    /// Creates a full bucket.
    /// - Parameters:
    ///   - burst: Lines allowed at once (at least 1).
    ///   - perSecond: Lines per second after that (at least 0.001).
    init(burst: Int, perSecond: Int) {
        self.burst = Double(max(1, burst))
        self.perSecond = max(0.001, Double(perSecond))
        self.tokens = self.burst
    }

    /// Asks to log one line now.
    /// - Parameter now: The time.
    /// - Returns: `nil` when the line must be dropped; otherwise how many lines were dropped since the last one
    ///   that went through.
    mutating func admit(now: ContinuousClock.Instant) -> Int? {
        if let last {
            let elapsed = now - last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            self.tokens = min(self.burst, self.tokens + max(0, seconds) * self.perSecond)
        }
        self.last = now
        guard self.tokens >= 1 else {
            self.suppressed &+= 1
            return nil
        }
        self.tokens -= 1
        defer { self.suppressed = 0 }
        return self.suppressed
    }
}
