/// A bench report as CSV: one row per measured configuration, the same columns for modes, lessons, sweep points
/// and overhead settings, so a spreadsheet can plot any of them; then one `warning` row per warning (its code in
/// `name`, its message in `note`), so the file stays plain CSV with no comment lines a parser would trip on.
public struct CSVReport: Sendable {
    /// The report.
    public var report: BenchReport

    /// The header row's columns. Columns added later go at the end, so existing readers' indices hold.
    public static let columns = [
        "section", "name", "cores", "workers", "median_s", "min_s", "max_s", "speedup", "efficiency", "karp_flatt",
        "note", "ci95_low_s", "ci95_high_s", "outliers", "speedup_ci95_low", "speedup_ci95_high",
        "efficiency_ci95_low", "efficiency_ci95_high",
    ]

    /// Creates a renderer.
    public init(report: BenchReport) { self.report = report }

    /// The CSV text, header first, lines ending in `\n`.
    public func render() -> String {
        var rows: [[String]] = [Self.columns]
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        func spread(_ summary: TimingSummary) -> [String] {
            [number(summary.ci95?.low), number(summary.ci95?.high), summary.outliers.map(String.init) ?? ""]
        }
        let noIntervals = ["", "", "", ""]
        for mode in self.report.modes {
            rows.append(
                [
                    "mode", mode.mode, "\(mode.coresUsed)", "\(mode.workers)", number(mode.wall.median),
                    number(mode.wall.minimum), number(mode.wall.maximum), number(mode.speedup), number(mode.efficiency),
                    number(mode.karpFlatt), "",
                ] + spread(mode.wall) + [
                    number(mode.speedupCI95?.low), number(mode.speedupCI95?.high), number(mode.efficiencyCI95?.low),
                    number(mode.efficiencyCI95?.high),
                ]
            )
        }
        for skipped in self.report.skipped {
            rows.append(
                ["skipped", skipped.mode, "", "", "", "", "", "", "", "", skipped.reason, "", "", ""] + noIntervals
            )
        }
        for row in self.report.lessons {
            rows.append(
                [
                    "lesson", "\(row.kernel): \(row.tool)", "\(row.cores)", "\(row.inFlight)", number(row.wall.median),
                    number(row.wall.minimum), number(row.wall.maximum), number(row.speedup),
                    number(row.speedup.flatMap { BenchStatistics.efficiency(speedup: $0, cores: row.cores) }), "",
                    "\(row.verdict): \(row.note)",
                ] + spread(row.wall) + noIntervals
            )
        }
        for point in self.report.sweep {
            rows.append(
                [
                    "sweep", point.series, "\(point.cores)", "", number(point.wall.median), number(point.wall.minimum),
                    number(point.wall.maximum), number(point.speedup),
                    number(point.speedup.flatMap { BenchStatistics.efficiency(speedup: $0, cores: point.cores) }),
                    number(point.speedup.flatMap { BenchStatistics.karpFlatt(speedup: $0, processors: point.cores) }),
                    point.label,
                ] + spread(point.wall) + noIntervals
            )
        }
        for row in self.report.overhead {
            rows.append(
                [
                    "overhead_noop_tasks_per_s", row.setting, "\(row.cores)", "", number(row.noopTasksPerSecond.median),
                    number(row.noopTasksPerSecond.minimum), number(row.noopTasksPerSecond.maximum), "",
                    number(row.efficiencyOneMillisecond), "",
                    "\(row.noopTasks) no-op tasks; median_s column holds tasks/s",
                ] + spread(row.noopTasksPerSecond) + noIntervals
            )
        }
        for warning in self.report.warnings {
            rows.append(
                ["warning", warning.code.rawValue, "", "", "", "", "", "", "", "", warning.message, "", "", ""]
                    + noIntervals
            )
        }
        return rows.map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A field quoted when it holds a comma, quote or line break (RFC 4180).
    /// - Parameter text: The field's text.
    /// - Returns: The text as it goes between commas.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" { quoted += "\"\"" } else { quoted.append(character) }
        }
        return quoted + "\""
    }
}
