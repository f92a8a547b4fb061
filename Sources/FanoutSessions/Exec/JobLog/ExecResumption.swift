/// What resuming a job log found: which jobs an earlier run of the same command already finished, so that only
/// the others run (`--resume`, `--resume-failed`).
public struct ExecResumption: Sendable, Equatable {
    /// Which logged jobs count as done.
    public enum Mode: Sendable, Equatable {
        /// Every job the log holds, succeeded or not (`--resume`).
        case skipLogged
        /// Only the jobs the log holds as succeeded; failed ones run again (`--resume-failed`).
        case skipSucceeded
    }

    /// The job log read.
    public var jobLogPath: String
    /// The sequence numbers of the jobs that need not run again, all within the plan's jobs.
    public var done: Set<Int>
    /// How many jobs the plan makes.
    public var jobCount: Int

    /// Decides which jobs are done from a log's entries.
    /// - Parameters:
    ///   - entries: The log's last entry for each sequence number.
    ///   - jobLogPath: The log, for messages.
    ///   - mode: Which entries count as done.
    ///   - jobCount: How many jobs the plan makes; entries beyond it are ignored.
    public init(entries: [Int: JobLogEntry], jobLogPath: String, mode: Mode, jobCount: Int) {
        self.jobLogPath = jobLogPath
        self.jobCount = jobCount
        self.done = Set(
            entries.values.filter { mode == .skipLogged || $0.succeeded }.map(\.sequence).filter {
                $0 >= 1 && $0 <= jobCount
            }
        )
    }

    /// Reads a log written by an earlier run. A missing or foreign file holds no jobs; torn or forged lines are
    /// skipped (``JobLogEntry/entries(in:)``).
    /// - Parameters:
    ///   - jobLogPath: The log.
    ///   - mode: Which entries count as done.
    ///   - jobCount: How many jobs the plan makes.
    /// - Returns: What the log holds.
    public static func read(jobLogPath: String, mode: Mode, jobCount: Int) -> ExecResumption {
        ExecResumption(entries: JobLog.read(path: jobLogPath), jobLogPath: jobLogPath, mode: mode, jobCount: jobCount)
    }

    /// How many jobs are left to run.
    public var remaining: Int { self.jobCount - self.done.count }

    /// The sequence numbers still to run, in order.
    public var pending: [Int] {
        self.jobCount == 0 ? [] : (1...self.jobCount).filter { !self.done.contains($0) }
    }
}
