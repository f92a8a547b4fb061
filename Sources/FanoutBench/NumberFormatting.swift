/// Fixed-point text for report figures, without Foundation's `String(format:)`.
public enum NumberFormatting {
    /// `value` with exactly `decimals` digits after the point (`fixed(2.0/3, 2)` is `0.67`); `–` for NaN or ∞.
    /// - Parameters:
    ///   - value: The number.
    ///   - decimals: Digits after the point, 0 to 9.
    /// - Returns: The text.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        let digits = max(0, min(9, decimals))
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e18 else { return "\(value)" }
        let whole = UInt64(scaled)
        let integer = whole / UInt64(scale)
        let sign = value < 0 && whole != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(integer)" }
        var fraction = String(whole % UInt64(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        return "\(sign)\(integer).\(fraction)"
    }

    /// Seconds in the most readable unit: `812 µs`, `4.21 ms`, `1.234 s`.
    /// - Parameter seconds: A duration in seconds.
    /// - Returns: The text.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "–" }
        if abs(seconds) < 0.001 { return "\(Self.fixed(seconds * 1_000_000, 0)) µs" }
        if abs(seconds) < 1 { return "\(Self.fixed(seconds * 1000, 2)) ms" }
        return "\(Self.fixed(seconds, 3)) s"
    }

    /// An optional number, or `–`.
    /// - Parameters:
    ///   - value: The number, if there is one.
    ///   - decimals: Digits after the point.
    /// - Returns: The text.
    public static func fixed(_ value: Double?, _ decimals: Int) -> String {
        value.map { Self.fixed($0, decimals) } ?? "–"
    }
}
