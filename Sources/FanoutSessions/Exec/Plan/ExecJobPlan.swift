import Crypto
import FanoutJobs
import FanoutProtocol

#if canImport(Glibc)
import Glibc
#endif

// `stat` may resolve to CoreFoundation's copy of the C declarations (see JobLog.swift).
#if canImport(CoreFoundation)
import CoreFoundation
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything an exec run needs to turn a sequence number into a job: the inputs' cartesian product, the command
/// template, the files to stage and return, the limits. Built from an ``ExecPlanRequest``, checked before any job
/// runs.
public struct ExecJobPlan: Sendable {
    let template: CommandTemplate
    /// One list of values per input source.
    let sources: [[[UInt8]]]
    /// How many jobs the sources make.
    public let jobCount: Int
    let transferFirstInput: Bool
    let transferTemplates: [CommandTemplate]
    let returnTemplates: [CommandTemplate]
    let basefiles: [StagedFile]
    let environment: [[UInt8]]
    /// This run's name in the staging directories of hosts (random).
    let runID: String
    let cleanup: Bool
    let timeoutMilliseconds: UInt64
    /// What a job's input and output may use of a frame.
    public let maximumPayloadBytes: Int

    /// The most jobs one plan makes.
    public static let maximumJobCount = 1 << 40
    /// What a task message keeps for the frame header, the job name, the arguments and the other fields: the rest
    /// of `limits.max_frame_bytes` carries the job's files and its output.
    public static let reservedFrameBytes = 64 * 1024

    /// Checks a request and makes the plan: reads the base files, checks that every transferred file exists and
    /// fits in a task message, and that every returned path stays below this directory.
    /// - Parameters:
    ///   - request: The command, inputs and options. A time limit outside ``ExecPlanRequest/timeoutRange`` is
    ///     clamped into it.
    ///   - maximumFrameBytes: The cluster's `limits.max_frame_bytes`.
    /// - Throws: ``ExecSessionError`` with code ``ExecSessionError/Code/plan`` saying what is wrong.
    public init(_ request: ExecPlanRequest, maximumFrameBytes: Int) throws(ExecSessionError) {
        self.template = CommandTemplate(request.command.map { Array($0.utf8) }, shell: request.shell)
        self.sources = request.sources
        var count = 1
        for source in request.sources {
            let (product, overflow) = count.multipliedReportingOverflow(by: source.count)
            guard !overflow, product <= Self.maximumJobCount else {
                throw ExecSessionError(.plan, "the input sources make too many jobs")
            }
            count = product
        }
        self.jobCount = count
        if self.template.highestSource > request.sources.count {
            throw ExecSessionError(
                .plan,
                "the command uses {\(self.template.highestSource)} but there are only \(request.sources.count) "
                    + "input sources"
            )
        }
        self.transferFirstInput = request.transferFirstInput
        self.transferTemplates = request.transferFiles.map { CommandTemplate([Array($0.utf8)]) }
        for path in request.returns {
            // The user's own paths, before any input is substituted: a returned file lands below this directory.
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            if path.hasPrefix("/") || components.contains("..") || path.utf8.contains(0) {
                throw ExecSessionError(
                    .plan,
                    "--return '\(path)': returned files are written below this directory, so the path must be "
                        + "relative and without '..'"
                )
            }
        }
        self.returnTemplates = request.returns.map { CommandTemplate([Array($0.utf8)]) }
        self.environment = request.environment
        self.runID = (0..<8).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
        self.cleanup = request.cleanup
        // The command line keeps --timeout within the range; clamped again so no value can trap here.
        self.timeoutMilliseconds =
            request.timeoutSeconds.map { seconds in
                let milliseconds = (seconds * 1000).rounded(.up)
                return milliseconds.isFinite ? UInt64(min(max(1, milliseconds), 1e15)) : 0
            } ?? 0
        self.maximumPayloadBytes = max(0, maximumFrameBytes - Self.reservedFrameBytes)
        var basefiles: [StagedFile] = []
        for path in request.basefiles {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ExecSessionError(.plan, "cannot read --basefile \(path)")
            }
            let contents = [UInt8](data)
            basefiles.append(
                StagedFile(
                    path: Self.stagedPath(Array(path.utf8)),
                    digest: Self.digest(contents),
                    contents: contents,
                    isBasefile: true
                )
            )
        }
        self.basefiles = basefiles
        let basefileBytes = basefiles.reduce(0) { $0 + $1.contents.count }
        if basefileBytes > self.maximumPayloadBytes {
            throw ExecSessionError(
                .plan,
                Self.tooBig("the --basefile files (\(basefileBytes) bytes)", limit: maximumFrameBytes)
            )
        }
        try self.checkTransferredFiles(basefileBytes: basefileBytes, maximumFrameBytes: maximumFrameBytes)
        try self.checkReturnPaths()
    }

    /// Checks that every transferred file exists and fits, with the base files, before the first job starts.
    private func checkTransferredFiles(basefileBytes: Int, maximumFrameBytes: Int) throws(ExecSessionError) {
        guard self.transferFirstInput || !self.transferTemplates.isEmpty, self.jobCount > 0 else { return }
        for sequence in 1...self.jobCount {
            let paths = self.transferPaths(inputs: self.inputs(of: sequence), sequence: sequence)
            var total = basefileBytes
            for path in paths {
                var info = stat()
                let name = String(decoding: path, as: UTF8.self)
                guard stat(name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                    throw ExecSessionError(.plan, "job \(sequence): cannot transfer '\(name)': not a readable file")
                }
                total += Int(info.st_size)
            }
            if total > self.maximumPayloadBytes {
                throw ExecSessionError(
                    .plan,
                    Self.tooBig(
                        "job \(sequence)'s files ("
                            + paths.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ")
                            + (basefileBytes > 0 ? " and the base files" : "") + ", \(total) bytes in all)",
                        limit: maximumFrameBytes
                    )
                )
            }
        }
    }

    /// Checks every job's returned paths (inputs substituted) stay below this directory.
    private func checkReturnPaths() throws(ExecSessionError) {
        guard !self.returnTemplates.isEmpty, self.jobCount > 0 else { return }
        let constant = !self.returnTemplates.contains { $0.hasPlaceholder }
        for sequence in 1...(constant ? 1 : self.jobCount) {
            for path in self.returnPaths(of: sequence) where !ReturnedFileWriter.isSafeRelativePath(path) {
                throw ExecSessionError(
                    .plan,
                    "job \(sequence): --return '\(String(decoding: path, as: UTF8.self))' is not a path below this "
                        + "directory (an input put '..' or a NUL byte in it)"
                )
            }
        }
    }

    private static func tooBig(_ what: String, limit: Int) -> String {
        "\(what) do not fit in one task message: files travel inside task messages, limited by "
            + "limits.max_frame_bytes = \(limit) bytes (minus 64 KiB for the rest); raise it in the cluster file"
    }

    /// Whether jobs run in their own working directories.
    public var stages: Bool {
        self.transferFirstInput || !self.transferTemplates.isEmpty || !self.basefiles.isEmpty
            || !self.returnTemplates.isEmpty
    }

    /// The values of job `sequence`, one per source; the first source varies slowest.
    /// - Parameter sequence: The job's 1-based sequence number, at most ``jobCount``.
    /// - Returns: One value per input source.
    public func inputs(of sequence: Int) -> [[UInt8]] {
        var remainder = sequence - 1
        var values = [[UInt8]](repeating: [], count: self.sources.count)
        for index in self.sources.indices.reversed() {
            let count = self.sources[index].count
            values[index] = self.sources[index][remainder % count]
            remainder /= count
        }
        return values
    }

    /// The inputs as the job sees them: with `--transfer`, the first input is the transferred file's place in the
    /// job's directory (its path without a leading `/`).
    /// - Parameter sequence: The job's 1-based sequence number.
    /// - Returns: One value per input source.
    public func jobInputs(of sequence: Int) -> [[UInt8]] {
        var values = self.inputs(of: sequence)
        if self.transferFirstInput, !values.isEmpty { values[0] = Self.stagedPath(values[0]) }
        return values
    }

    /// The local files job `sequence` sends.
    func transferPaths(inputs: [[UInt8]], sequence: Int) -> [[UInt8]] {
        var paths: [[UInt8]] = []
        if self.transferFirstInput, let first = inputs.first { paths.append(first) }
        for template in self.transferTemplates {
            paths.append(Self.expand(template, inputs: inputs, sequence: sequence))
        }
        return paths
    }

    /// The paths job `sequence` returns, relative to its directory here and there, each once.
    /// - Parameter sequence: The job's 1-based sequence number.
    /// - Returns: The paths, in the order of the `--return` options.
    public func returnPaths(of sequence: Int) -> [[UInt8]] {
        let inputs = self.jobInputs(of: sequence)
        var seen: Set<[UInt8]> = []
        return self.returnTemplates.map { Self.stagedPath(Self.expand($0, inputs: inputs, sequence: sequence)) }
            .filter { seen.insert($0).inserted }
    }

    /// Builds job `sequence`'s task input, reading its transferred files.
    /// - Parameter sequence: The job's 1-based sequence number.
    /// - Returns: The input and how many file bytes it carries.
    public func makeInput(sequence: Int) -> (input: ExecInput, sentBytes: Int) {
        let inputs = self.inputs(of: sequence)
        var files = self.basefiles
        for path in self.transferPaths(inputs: inputs, sequence: sequence) {
            let name = String(decoding: path, as: UTF8.self)
            // Checked before the run; a file that vanished since arrives empty under a digest that cannot match,
            // and the job fails on its host saying so.
            let contents = FileManager.default.contents(atPath: name).map { [UInt8]($0) }
            files.append(
                StagedFile(
                    path: Self.stagedPath(path),
                    digest: contents.map(Self.digest) ?? "unreadable-on-the-coordinator",
                    contents: contents ?? [],
                    isBasefile: false
                )
            )
        }
        let input = ExecInput(
            arguments: self.template.arguments(inputs: self.jobInputs(of: sequence), sequence: sequence),
            environment: self.environment,
            sequence: sequence,
            runID: self.runID,
            files: files,
            returns: self.returnPaths(of: sequence),
            ownDirectory: self.stages,
            cleanup: self.cleanup,
            timeoutMilliseconds: self.timeoutMilliseconds,
            maximumOutputBytes: self.maximumPayloadBytes
        )
        return (input, files.reduce(0) { $0 + $1.contents.count })
    }

    /// The command line of job `sequence` for logs and messages.
    /// - Parameters:
    ///   - sequence: The job's 1-based sequence number.
    ///   - slot: The slot it ran in, for `{%}`; `nil` shows `{%}` as it is.
    /// - Returns: The line, replacement strings filled in.
    public func displayLine(of sequence: Int, slot: Int?) -> String {
        self.template.displayLine(inputs: self.jobInputs(of: sequence), sequence: sequence, slot: slot)
    }

    static func expand(_ template: CommandTemplate, inputs: [[UInt8]], sequence: Int) -> [UInt8] {
        template.arguments(inputs: inputs, sequence: sequence).first?.resolved(slot: 1) ?? []
    }

    /// A path's place inside a job's directory: leading slashes and `./` dropped.
    /// - Parameter path: A path here.
    /// - Returns: The path relative to the job's directory (`_` for a path of only slashes and dots).
    public static func stagedPath(_ path: [UInt8]) -> [UInt8] {
        var components = path.split(separator: UInt8(ascii: "/")).filter { !$0.elementsEqual(".".utf8) }
        if components.isEmpty { components = [ArraySlice("_".utf8)] }
        return Array(components.joined(separator: [UInt8(ascii: "/")]))
    }

    static func digest(_ contents: [UInt8]) -> String { Hex.encode(SHA256.hash(data: contents)) }
}
