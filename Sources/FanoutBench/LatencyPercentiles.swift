import Histogram

/// Latency percentiles, in seconds, read off an HdrHistogram of nanoseconds.
public struct LatencyPercentiles: Codable, Sendable, Equatable {
    /// Values recorded.
    public var count: Int
    /// 50th percentile.
    public var p50: Double
    /// 90th percentile.
    public var p90: Double
    /// 99th percentile.
    public var p99: Double
    /// 99.9th percentile.
    public var p999: Double
    /// The largest value.
    public var maximum: Double

    /// Creates percentiles from values.
    public init(count: Int, p50: Double, p90: Double, p99: Double, p999: Double, maximum: Double) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.maximum = maximum
    }

    /// Records `nanoseconds` in an HdrHistogram (3 significant digits) and reads the percentiles.
    /// - Parameter nanoseconds: Latencies in nanoseconds.
    /// - Returns: `nil` for no values.
    public init?(nanoseconds: [UInt64]) {
        guard !nanoseconds.isEmpty else { return nil }
        var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        for value in nanoseconds { _ = histogram.record(max(1, value)) }
        func seconds(_ value: UInt64) -> Double { Double(value) / 1e9 }
        self.init(
            count: nanoseconds.count,
            p50: seconds(histogram.valueAtPercentile(50)),
            p90: seconds(histogram.valueAtPercentile(90)),
            p99: seconds(histogram.valueAtPercentile(99)),
            p999: seconds(histogram.valueAtPercentile(99.9)),
            maximum: seconds(histogram.max)
        )
    }
}
