extension String {
    /// A number with three decimals, without Foundation's String(format:).
    /// - Parameter value: The number.
    init(format3 value: Double) {
        let scaled = (value * 1000).rounded()
        let whole = Int(scaled / 1000)
        let fraction = Int(abs(scaled).truncatingRemainder(dividingBy: 1000))
        let fractionText = String(fraction)
        self = "\(whole).\(String(repeating: "0", count: 3 - fractionText.count))\(fractionText)"
    }

    /// A number rounded to `places` decimals (none: an integer), with a minus sign when negative.
    /// - Parameters:
    ///   - value: The number.
    ///   - places: Decimals after the point.
    init(decimals value: Double, _ places: Int) {
        let factor = (0..<places).reduce(1.0) { value, _ in value * 10 }
        let scaled = (value * factor).rounded()
        let whole = Int((abs(scaled) / factor).rounded(.down))
        let fraction = Int(abs(scaled).truncatingRemainder(dividingBy: factor))
        let fractionText = String(fraction)
        let sign = scaled < 0 ? "-" : ""
        self =
            places == 0
            ? "\(sign)\(whole)"
            : "\(sign)\(whole).\(String(repeating: "0", count: places - fractionText.count))\(fractionText)"
    }
}
