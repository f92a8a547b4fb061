import FanoutBench
import FanoutJobs

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An earlier bench's report to compare a new one with (`fanout bench --compare OLD/report.json`).
///
/// Read before the bench runs, so that a missing file or a baseline of another kernel, other kernel options or
/// another cluster file is refused at once instead of after minutes of measuring.
public struct BenchBaseline: Sendable {
    /// The report file that was read.
    public var path: String
    /// The decoded report.
    public var report: BenchReport

    /// Reads a baseline.
    /// - Parameter path: A report.json, or a directory holding one (what `--out` wrote).
    /// - Throws: ``BenchError`` with code ``BenchError/Code/unreadableBaseline`` when the file is missing,
    ///   unreadable or not a bench report.
    public init(contentsOf path: String) throws(BenchError) {
        // A directory's contents read as nil, so a path that is not a readable file is tried as a directory.
        let inDirectory = (path.hasSuffix("/") ? path : path + "/") + "report.json"
        let file = FileManager.default.contents(atPath: path) == nil ? inDirectory : path
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file"
            throw BenchError(.unreadableBaseline, "\(reason): \(path) (--compare wants a report.json or its directory)")
        }
        do {
            self.report = try JSONReport.decode(data)
        } catch {
            throw BenchError(.unreadableBaseline, "\(file) is not a fanout bench report.json: \(error)")
        }
        self.path = file
    }

    /// Refuses, before anything runs, a bench whose report could not be compared with this baseline.
    /// - Parameters:
    ///   - workload: The kernel and tasks the bench will run.
    ///   - request: The bench (its cluster file is compared by content).
    /// - Throws: ``BenchError`` with code ``BenchError/Code/notComparable`` naming every difference.
    public func check<W: Workload>(_ workload: W, request: BenchRequest) throws(BenchError) {
        let preview = BenchReport(
            provenance: Provenance(
                date: "",
                commandLine: request.commandLine,
                hosts: [],
                loadBefore: [],
                configPath: request.clusterPath,
                configSHA256: request.clusterPath.flatMap(ProvenanceCollector.sha256(ofFile:)),
                optimized: ProvenanceCollector.optimized
            ),
            workload: WorkloadDescription(job: W.J.name, tasks: workload.taskCount, parameters: workload.parameters),
            warmups: request.warmups,
            repeats: request.repeats
        )
        let differences = BenchComparison.differences(baseline: self.report, current: preview)
        guard differences.isEmpty else {
            throw BenchError(.notComparable, ComparisonRefusal(differences: differences).description)
        }
    }

    /// Compares a finished bench's report with this baseline.
    /// - Parameter current: The new report.
    /// - Returns: Per mode, faster, slower or no change.
    /// - Throws: ``BenchError`` with code ``BenchError/Code/notComparable`` when the reports measured different
    ///   things (``FanoutBench/ComparisonRefusal``'s description is the message).
    public func comparison(with current: BenchReport) throws(BenchError) -> BenchComparison {
        do {
            return try BenchComparison(baseline: self.report, current: current)
        } catch {
            throw BenchError(.notComparable, error.description)
        }
    }
}
