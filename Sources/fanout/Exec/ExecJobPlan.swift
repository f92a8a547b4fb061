import Crypto
import FanoutJobs
import FanoutProtocol

#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything `fanout exec` needs to turn a sequence number into a job: the inputs' cartesian product, the
/// command template, the files to stage and return, the limits.
struct ExecJobPlan: Sendable {
    /// A problem with the plan found before any job runs (exit status 2).
    struct Problem: Error {
        var message: String
    }

    let template: CommandTemplate
    /// One list of values per input source.
    let sources: [[[UInt8]]]
    /// How many jobs the sources make.
    let jobCount: Int
    let transferFirstInput: Bool
    let transferTemplates: [CommandTemplate]
    let returnTemplates: [CommandTemplate]
    let basefiles: [StagedFile]
    let environment: [[UInt8]]
    let runID: String
    let cleanup: Bool
    let timeoutMilliseconds: UInt64
    /// What a job's input and output may use of a frame.
    let maximumPayloadBytes: Int

    init(
        command: [String],
        sources: [[[UInt8]]],
        options: ExecCommand,
        maximumFrameBytes: Int
    ) throws(Problem) {
        self.template = CommandTemplate(command.map { Array($0.utf8) }, shell: options.shell)
        self.sources = sources
        var count = 1
        for source in sources {
            let (product, overflow) = count.multipliedReportingOverflow(by: source.count)
            guard !overflow, product <= 1 << 40 else { throw Problem(message: "the input sources make too many jobs") }
            count = product
        }
        self.jobCount = count
        if self.template.highestSource > sources.count {
            throw Problem(
                message:
                    "the command uses {\(self.template.highestSource)} but there are only \(sources.count) input sources"
            )
        }
        self.transferFirstInput = options.transfer
        self.transferTemplates = options.transferFile.map { CommandTemplate([Array($0.utf8)]) }
        for path in options.return {
            // The user's own paths, before any input is substituted: a returned file lands below this directory.
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            if path.hasPrefix("/") || components.contains("..") || path.utf8.contains(0) {
                throw Problem(
                    message:
                        "--return '\(path)': returned files are written below this directory, so the path must be "
                        + "relative and without '..'"
                )
            }
        }
        self.returnTemplates = options.return.map { CommandTemplate([Array($0.utf8)]) }
        self.environment = options.env.compactMap { name in
            guard let value = getenv(name) else { return nil }
            return Array("\(name)=".utf8) + Array(UnsafeRawBufferPointer(start: value, count: strlen(value)))
        }
        self.runID = (0..<8).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
        self.cleanup = options.cleanup
        // validate() keeps --timeout within ExecCommand.timeoutRange; clamped again so no value can trap here.
        self.timeoutMilliseconds =
            options.timeout.map { seconds in
                let milliseconds = (seconds * 1000).rounded(.up)
                return milliseconds.isFinite ? UInt64(min(max(1, milliseconds), 1e15)) : 0
            } ?? 0
        // Room for the frame header, the job name, the arguments and the other fields.
        self.maximumPayloadBytes = max(0, maximumFrameBytes - 64 * 1024)
        var basefiles: [StagedFile] = []
        for path in options.basefile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Problem(message: "cannot read --basefile \(path)")
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
            throw Problem(
                message: Self.tooBig("the --basefile files (\(basefileBytes) bytes)", limit: maximumFrameBytes)
            )
        }
        // Every transferred file must exist and fit before the first job starts.
        if self.transferFirstInput || !self.transferTemplates.isEmpty {
            for sequence in 1...max(1, self.jobCount) where self.jobCount > 0 {
                let paths = self.transferPaths(inputs: self.inputs(of: sequence), sequence: sequence)
                var total = basefileBytes
                for path in paths {
                    var info = stat()
                    let name = String(decoding: path, as: UTF8.self)
                    guard stat(name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                        throw Problem(message: "job \(sequence): cannot transfer '\(name)': not a readable file")
                    }
                    total += Int(info.st_size)
                }
                if total > self.maximumPayloadBytes {
                    throw Problem(
                        message: Self.tooBig(
                            "job \(sequence)'s files ("
                                + paths.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ")
                                + (basefileBytes > 0 ? " and the base files" : "") + ", \(total) bytes in all)",
                            limit: maximumFrameBytes
                        )
                    )
                }
            }
        }
        try self.checkReturnPaths()
    }

    /// Checks every job's returned paths (inputs substituted) stay below this directory.
    private func checkReturnPaths() throws(Problem) {
        guard !self.returnTemplates.isEmpty, self.jobCount > 0 else { return }
        let constant = !self.returnTemplates.contains { $0.hasPlaceholder }
        for sequence in 1...(constant ? 1 : self.jobCount) {
            for path in self.returnPaths(of: sequence) where !ReturnedFileWriter.isSafeRelativePath(path) {
                throw Problem(
                    message:
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
    var stages: Bool {
        self.transferFirstInput || !self.transferTemplates.isEmpty || !self.basefiles.isEmpty
            || !self.returnTemplates.isEmpty
    }

    /// The values of job `sequence` (1-based), one per source; the first source varies slowest.
    func inputs(of sequence: Int) -> [[UInt8]] {
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
    func jobInputs(of sequence: Int) -> [[UInt8]] {
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
    func returnPaths(of sequence: Int) -> [[UInt8]] {
        let inputs = self.jobInputs(of: sequence)
        var seen: Set<[UInt8]> = []
        return self.returnTemplates.map { Self.stagedPath(Self.expand($0, inputs: inputs, sequence: sequence)) }
            .filter { seen.insert($0).inserted }
    }

    /// Builds job `sequence`'s task input, reading its transferred files.
    /// - Returns: The input and how many file bytes it carries.
    func makeInput(sequence: Int) -> (input: ExecInput, sentBytes: Int) {
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
    func displayLine(of sequence: Int, slot: Int?) -> String {
        self.template.displayLine(inputs: self.jobInputs(of: sequence), sequence: sequence, slot: slot)
    }

    static func expand(_ template: CommandTemplate, inputs: [[UInt8]], sequence: Int) -> [UInt8] {
        template.arguments(inputs: inputs, sequence: sequence).first?.resolved(slot: 1) ?? []
    }

    /// A path's place inside a job's directory: leading slashes and `./` dropped.
    static func stagedPath(_ path: [UInt8]) -> [UInt8] {
        var components = path.split(separator: UInt8(ascii: "/")).filter { !$0.elementsEqual(".".utf8) }
        if components.isEmpty { components = [ArraySlice("_".utf8)] }
        return Array(components.joined(separator: [UInt8(ascii: "/")]))
    }

    static func digest(_ contents: [UInt8]) -> String { Hex.encode(SHA256.hash(data: contents)) }
}
