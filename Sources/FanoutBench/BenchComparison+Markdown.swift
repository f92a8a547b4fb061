extension BenchComparison {
    /// The comparison as a Markdown section, what `fanout bench --compare` prints.
    /// - Parameter baselineName: How to name the baseline, e.g. its path.
    /// - Returns: The text, ending in a newline.
    public func markdown(baselineName: String = "baseline") -> String {
        var lines = [
            "## Against \(baselineName)",
            "",
            "| mode | baseline (median) | this run (median) | change | \(self.confidencePercent) % CI | verdict |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for change in self.modes {
            let interval =
                change.ci95.map { "[\(Self.percent($0.low)), \(Self.percent($0.high))]" } ?? "–"
            lines.append(
                "| \(change.mode) | \(NumberFormatting.duration(change.baselineMedian)) | "
                    + "\(NumberFormatting.duration(change.currentMedian)) | \(Self.percent(change.relativeChange)) | "
                    + "\(interval) | **\(change.verdict.rawValue)** |"
            )
        }
        lines.append("")
        for mode in self.onlyInBaseline { lines.append("- `\(mode)`: only in the baseline") }
        for mode in self.onlyInCurrent { lines.append("- `\(mode)`: only in this run") }
        if !self.onlyInBaseline.isEmpty || !self.onlyInCurrent.isEmpty { lines.append("") }
        lines.append(
            "Change = this run's median ÷ the baseline's − 1 (negative is faster), its interval a bootstrap of that "
                + "ratio. Faster or slower only when the interval excludes 0 and the change is beyond the noise "
                + "threshold of ±\(NumberFormatting.fixed(self.noiseThreshold * 100, 1)) %; otherwise no change."
        )
        lines.append("")
        return lines.joined(separator: "\n") + "\n"
    }

    private var confidencePercent: String { NumberFormatting.fixed(self.confidence * 100, 0) }

    /// `+4.2 %`, `−10.0 %`, `0.0 %`.
    static func percent(_ fraction: Double) -> String {
        let text = NumberFormatting.fixed(abs(fraction) * 100, 1)
        guard text != "0.0" else { return "0.0 %" }
        return (fraction < 0 ? "−" : "+") + text + " %"
    }
}
