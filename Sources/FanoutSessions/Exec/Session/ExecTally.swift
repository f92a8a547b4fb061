/// What an exec session did: how many jobs it planned to run, finished and saw fail, the first failures for the
/// summary, and the error that stopped it early, if one did.
public struct ExecTally: Sendable {
    /// How many failed jobs the tally names.
    public static let listedFailures = 20

    /// The jobs this session set out to run (those a resumed job log held are not among them).
    public var planned: Int
    /// The jobs that finished, succeeded or failed.
    public var finished = 0
    /// The jobs that failed.
    public var failed = 0
    /// The first ``listedFailures`` failures, each `job N: why: command line`.
    public var failures: [String] = []
    /// What stopped the run before every job finished (such as a `ClusterError` with code `cancelled` after an interrupt).
    public var error: (any Error)?

    /// Creates an empty tally.
    /// - Parameter planned: The jobs the session set out to run.
    public init(planned: Int) {
        self.planned = planned
    }

    /// Counts one finished job.
    /// - Parameter report: The job's report.
    public mutating func record(_ report: ExecJobReport) {
        self.finished += 1
        guard let failure = report.failure else { return }
        self.failed += 1
        if self.failures.count < Self.listedFailures {
            self.failures.append("job \(report.sequence): \(failure)")
        }
    }
}
