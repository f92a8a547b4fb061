import FanoutBench
import FanoutCoordinator
import FanoutJobs

/// Runs a bench: the same kernel and the same total work on one thread, in threads, on local worker processes,
/// on remote hosts and on both, repeated, and, when asked for, the concurrency lessons, a scaling sweep and the
/// overhead microbenchmarks. What `fanout bench` drives, usable from a library.
///
/// Every mode gets ``BenchRequest/warmups`` unmeasured runs (a cluster mode: one calibration run of the middle
/// task on every slot, which also starts and deploys its workers), then ``BenchRequest/repeats`` measured runs in
/// rounds of one run per mode, each cluster run starting its workers afresh. Nothing is printed: progress lines
/// go to the closure given, the figures come back as a ``FanoutBench/BenchReport`` for its Markdown, JSON, CSV
/// and SVG forms (or ``ReportWriter``), with the warnings a reader needs (``FanoutBench/BenchWarning``) from the
/// samples and from the machine's load, steal time and governors read around the measured runs.
public struct BenchSession: Sendable {
    /// What to measure.
    public var request: BenchRequest
    /// Receives a line of progress after each run (`local: run 2/5: 1.23 s`), without a line break.
    public var progress: @Sendable (String) -> Void

    /// Creates a session.
    /// - Parameters:
    ///   - request: What to measure.
    ///   - progress: Receives progress lines; none are made visible by default.
    public init(request: BenchRequest, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.request = request
        self.progress = progress
    }

    /// Measures `workload` as the request says.
    /// - Parameter workload: The kernel and its tasks.
    /// - Returns: The report, provenance included.
    /// - Throws: ``BenchError`` for a request out of range (``BenchError/Code/invalidRequest``), a cluster no
    ///   worker joined or a task that failed; ``SessionError`` for workload parameters out of range;
    ///   ``FanoutCoordinator/ClusterError`` when a cluster cannot start.
    public func run<W: Workload>(_ workload: W) async throws -> BenchReport {
        try self.request.validate()
        try workload.validate()
        let runner = WorkloadRunner(workload: workload, request: self.request, note: self.progress)
        var provenance = await ProvenanceCollector.provenance(of: self.request)
        var report = BenchReport(
            provenance: provenance,
            workload: WorkloadDescription(job: W.J.name, tasks: workload.taskCount, parameters: workload.parameters),
            warmups: self.request.warmups,
            repeats: self.request.repeats
        )
        let plan = BenchPlan(self.request)
        for skipped in plan.skipped {
            self.progress("\(skipped.mode) skipped: \(skipped.reason)")
        }
        report.skipped = plan.skipped
        let (sequential, modes, readings) = try await plan.measure(
            with: runner,
            warmups: self.request.warmups,
            repeats: self.request.repeats,
            note: self.progress
        )
        report.sequentialSeconds = sequential.median
        report.modes = modes
        report.warnings = BenchWarning.warnings(for: report, readings: readings)
        if self.request.lessons {
            report.lessons = try await runner.lessons(report: report)
        }
        if self.request.sweep {
            report.sweep = try await runner.sweep(sequentialSeconds: sequential.median)
        }
        if self.request.overhead {
            report.overhead = try await runner.overheadResults()
        }
        provenance.loadAfter = ProvenanceCollector.loadAverage()
        report.provenance = provenance
        return report
    }
}
