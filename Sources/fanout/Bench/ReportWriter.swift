import FanoutBench

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes a report's files into a directory: report.md, report.json, report.csv and, with a sweep, sweep.svg.
enum ReportWriter {
    /// The sweep chart's file name.
    static let plotFileName = "sweep.svg"

    /// Writes every file, creating the directory if needed.
    /// - Returns: The paths written.
    static func write(_ report: BenchReport, to directory: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var files: [(String, Data)] = [
                (
                    "report.md",
                    Data(
                        MarkdownReport(report: report, plotFileName: report.sweep.isEmpty ? nil : Self.plotFileName)
                            .render().utf8
                    )
                ),
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
