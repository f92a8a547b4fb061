import FanoutBench

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes a report's files into a directory: report.md, report.json, report.csv and, with a sweep, sweep.svg.
public enum ReportWriter {
    /// The sweep chart's file name.
    public static let plotFileName = "sweep.svg"

    /// The name of the sweep chart a report's Markdown links to, or `nil` when it has none.
    /// - Parameters:
    ///   - report: The report.
    ///   - written: Whether the files are written beside the Markdown (the chart exists only then).
    /// - Returns: ``plotFileName`` for a report with a sweep that is written, else `nil`.
    public static func plotFileName(for report: BenchReport, written: Bool = true) -> String? {
        written && !report.sweep.isEmpty ? Self.plotFileName : nil
    }

    /// Writes every file, creating the directory if needed.
    /// - Parameters:
    ///   - report: The report.
    ///   - directory: Where to write.
    /// - Returns: The paths written.
    /// - Throws: ``BenchError`` with code ``BenchError/Code/output`` when a file cannot be written.
    public static func write(_ report: BenchReport, to directory: String) throws(BenchError) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let markdown = MarkdownReport(report: report, plotFileName: Self.plotFileName(for: report)).render()
            var files: [(String, Data)] = [
                ("report.md", Data(markdown.utf8)),
                ("report.json", try JSONReport.encode(report)),
                ("report.csv", Data(CSVReport(report: report).render().utf8)),
            ]
            if !report.sweep.isEmpty {
                let plot = SweepPlot(
                    points: report.sweep,
                    title: "\(report.workload.job): speedup against cores (\(report.repeats) runs each, median)"
                )
                files.append((Self.plotFileName, Data(plot.render().utf8)))
            }
            var paths: [String] = []
            for (name, data) in files {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                try data.write(to: URL(filePath: path))
                paths.append(path)
            }
            return paths
        } catch {
            throw BenchError(.output, "cannot write the report to \(directory): \(error)")
        }
    }
}
