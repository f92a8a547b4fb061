#if canImport(Glibc)
import Glibc
#endif

/// What an exec run is asked to do, as plain values: the command, its inputs, what to stage and return, the
/// environment and the time limit. ``ExecJobPlan`` checks it and turns it into jobs.
public struct ExecPlanRequest: Sendable, Equatable {
    /// The program and its arguments, with GNU Parallel's replacement strings (`{}`, `{.}`, `{1/}`, `{#}`, `{%}` …).
    public var command: [String]
    /// One list of values per input source; the jobs are their cartesian product, the first varying slowest.
    public var sources: [[[UInt8]]]
    /// Join the command's words into a script for `sh -c`, each substituted input single-quoted (`--shell`).
    public var shell: Bool
    /// Send each job's first input, a file here, to the job's host first (`--transfer`).
    public var transferFirstInput: Bool
    /// Files to send to each job's host first, replacement strings allowed (`--transfer-file`).
    public var transferFiles: [String]
    /// Files every job needs, kept once per host (`--basefile`).
    public var basefiles: [String]
    /// Files to bring back from each job's directory to the same relative path here, replacement strings allowed
    /// (`--return`): relative and without `..`.
    public var returns: [String]
    /// Remove each job's directory and transferred files on its host afterwards (`--cleanup`).
    public var cleanup: Bool
    /// `NAME=value` entries added to every job's environment (see ``inheritedEnvironment(names:)``).
    public var environment: [[UInt8]]
    /// Stop a job's process group after this many seconds, within ``timeoutRange``; `nil` for no limit.
    public var timeoutSeconds: Double?

    /// The accepted ``timeoutSeconds``: a millisecond to 365 days, so that every conversion of it (to milliseconds
    /// on the coordinator, to deadlines on the workers) stays far from overflowing.
    public static let timeoutRange = 0.001...31_536_000.0

    /// Creates a request.
    /// - Parameters:
    ///   - command: The program and its arguments, with replacement strings.
    ///   - sources: One list of values per input source.
    ///   - shell: Run the command under `sh -c`.
    ///   - transferFirstInput: Send each job's first input file to its host.
    ///   - transferFiles: More files to send, replacement strings allowed.
    ///   - basefiles: Files every job needs.
    ///   - returns: Files to bring back, replacement strings allowed.
    ///   - cleanup: Remove each job's directory on its host afterwards.
    ///   - environment: `NAME=value` entries for every job.
    ///   - timeoutSeconds: The time limit of one job, or `nil`.
    public init(
        command: [String],
        sources: [[[UInt8]]],
        shell: Bool = false,
        transferFirstInput: Bool = false,
        transferFiles: [String] = [],
        basefiles: [String] = [],
        returns: [String] = [],
        cleanup: Bool = false,
        environment: [[UInt8]] = [],
        timeoutSeconds: Double? = nil
    ) {
        self.command = command
        self.sources = sources
        self.shell = shell
        self.transferFirstInput = transferFirstInput
        self.transferFiles = transferFiles
        self.basefiles = basefiles
        self.returns = returns
        self.cleanup = cleanup
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
    }

    /// The `NAME=value` entries of this process's variables (`--env NAME`): those that are not set are left out,
    /// values are passed byte for byte.
    /// - Parameter names: The variables' names, in order.
    /// - Returns: One entry per variable that is set.
    public static func inheritedEnvironment(names: [String]) -> [[UInt8]] {
        names.compactMap { name in
            guard let value = getenv(name) else { return nil }
            return Array("\(name)=".utf8) + Array(UnsafeRawBufferPointer(start: value, count: strlen(value)))
        }
    }
}
