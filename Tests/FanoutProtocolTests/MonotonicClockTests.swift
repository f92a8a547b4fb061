import FanoutProtocol
import Testing

/// The one clock helper and the saturating duration conversions.
@Suite("Monotonic clock and duration units")
struct MonotonicClockTests {
    @Test func readingsNeverGoBackAndAgreeWithEachOther() {
        let first = MonotonicClock.nanoseconds()
        let milliseconds = MonotonicClock.milliseconds()
        let second = MonotonicClock.nanoseconds()
        #expect(second >= first)
        #expect(UInt64(milliseconds) >= first / 1_000_000)
        #expect(UInt64(milliseconds) <= second / 1_000_000)
    }

    @Test func configuredSecondsSaturate() {
        #expect(MonotonicClock.nanoseconds(seconds: 1.5) == 1_500_000_000)
        #expect(MonotonicClock.nanoseconds(seconds: .infinity) == .max)
        #expect(MonotonicClock.nanoseconds(seconds: 1e300) == .max)
        #expect(MonotonicClock.nanoseconds(seconds: .nan) == 0)
        #expect(MonotonicClock.nanoseconds(seconds: -3) == 0)
    }

    @Test func durationsSaturateInsteadOfTrapping() {
        #expect(Duration.milliseconds(1500).saturatingNanoseconds == 1_500_000_000)
        #expect(Duration.milliseconds(1500).saturatingMilliseconds == 1500)
        #expect(Duration.seconds(Int64.max).saturatingNanoseconds == .max)
        #expect(Duration.seconds(Int64.min).saturatingNanoseconds == .min)
        #expect(Duration.milliseconds(250).secondsAsDouble == 0.25)
    }
}
