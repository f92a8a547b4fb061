#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes the files an `exec` job sent back (`--return`) on the coordinator, trusting nothing the worker said.
///
/// A compromised worker chooses the names and bytes it returns. Only the paths the coordinator itself asked this
/// job for are accepted: relative, normalised, each at most once, within the byte budget. Anything else refuses
/// the whole answer and writes nothing. Accepted files are written below the destination directory without
/// following a link (each directory component opened with `O_NOFOLLOW`), into a fresh temporary name
/// (`O_CREAT | O_EXCL`), then renamed into place; if any of them cannot be placed, none is.
public struct ReturnedFileWriter: Sendable {
    /// What became of a job's returned files.
    public struct Outcome: Sendable, Equatable {
        /// The paths written, in the order asked for.
        public var written: [[UInt8]] = []
        /// How many bytes were written.
        public var writtenBytes = 0
        /// Why the answer or a file was refused (empty: everything asked for was written).
        public var problems: [String] = []
        /// Whether the worker's answer broke the rules (a path not asked for, a duplicate, too much): then
        /// nothing was written.
        public var refused = false
    }

    /// The paths the job was asked to return, relative to the destination.
    public let expected: [[UInt8]]
    /// The most bytes the returned files may hold in all.
    public let maximumBytes: Int

    /// Creates a writer for one job.
    /// - Parameters:
    ///   - expected: The job's `--return` paths as the coordinator expanded them (see ``isSafeRelativePath(_:)``).
    ///   - maximumBytes: The most bytes accepted in all.
    public init(expected: [[UInt8]], maximumBytes: Int) {
        self.expected = expected
        self.maximumBytes = max(0, maximumBytes)
    }

    /// Whether a path can be a returned file's (``DirectoryHandle/isSafeRelativePath(_:)``).
    /// - Parameter path: A path.
    /// - Returns: `true` when it stays inside the directory it belongs to.
    public static func isSafeRelativePath(_ path: [UInt8]) -> Bool { DirectoryHandle.isSafeRelativePath(path) }

    /// Checks a worker's returned files against what was asked, then writes them below `directory`.
    /// - Parameters:
    ///   - returned: What the worker sent.
    ///   - directory: Where the files belong (the coordinator's working directory for `fanout exec`).
    /// - Returns: What was written, and every problem.
    public func write(_ returned: [ReturnedFile], into directory: String) -> Outcome {
        var outcome = Outcome()
        let accepted: [ReturnedFile]
        switch self.check(returned) {
        case .failure(let refusal):
            outcome.refused = true
            outcome.problems = [refusal.message]
            return outcome
        case .success(let files):
            accepted = files
        }
        var present: [(path: [UInt8], contents: [UInt8])] = []
        for file in accepted {
            let path = String(decoding: file.path, as: UTF8.self)
            if let contents = file.contents {
                present.append((file.path, contents))
            } else {
                outcome.problems.append("--return \(path): \(file.error ?? "missing")")
            }
        }
        let returnedPaths = Set(accepted.map(\.path))
        for path in self.expected where !returnedPaths.contains(path) {
            outcome.problems.append("--return \(String(decoding: path, as: UTF8.self)): not sent back by the worker")
        }
        guard !present.isEmpty else { return outcome }
        do {
            let destination = try DirectoryHandle.open(directory)
            try Self.place(present, in: destination)
            outcome.written = present.map(\.path)
            outcome.writtenBytes = present.reduce(0) { $0 + $1.contents.count }
        } catch {
            outcome.problems.append("returned files not written: \(error.message)")
        }
        return outcome
    }

    /// The returned files, if the answer keeps to the rules.
    private func check(_ returned: [ReturnedFile]) -> Result<[ReturnedFile], Refusal> {
        let expected = Set(self.expected)
        var seen: Set<[UInt8]> = []
        var total = 0
        // Each entry must be a distinct expected path, so there can be no more of them than were asked for.
        for file in returned {
            let shown = Self.shown(file.path)
            guard Self.isSafeRelativePath(file.path) else {
                return .failure(Refusal("the worker sent a returned file at '\(shown)', outside the job's directory"))
            }
            guard expected.contains(file.path) else {
                return .failure(Refusal("the worker sent a returned file '\(shown)' the job did not ask for"))
            }
            guard seen.insert(file.path).inserted else {
                return .failure(Refusal("the worker sent the returned file '\(shown)' twice"))
            }
            let (sum, overflow) = total.addingReportingOverflow(file.contents?.count ?? 0)
            guard !overflow, sum <= self.maximumBytes else {
                return .failure(Refusal("the worker sent more than \(self.maximumBytes) bytes of returned files"))
            }
            total = sum
        }
        return .success(returned)
    }

    /// Why a worker's answer was refused.
    private struct Refusal: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// A path as a message shows it: printable, bounded.
    private static func shown(_ path: [UInt8]) -> String {
        let text = String(decoding: path.prefix(200), as: UTF8.self)
        return String(
            text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }
        ) + (path.count > 200 ? "…" : "")
    }

    /// Writes every file into a temporary name next to its place, then renames them all into place. When one
    /// cannot be written, the temporary files and the directories made for them are removed again.
    private static func place(
        _ files: [(path: [UInt8], contents: [UInt8])],
        in destination: DirectoryHandle
    ) throws(DirectoryHandle.Failure) {
        var staged: [(directory: DirectoryHandle, temporary: [UInt8], name: [UInt8])] = []
        var createdDirectories: [(parent: DirectoryHandle, name: [UInt8])] = []
        do throws(DirectoryHandle.Failure) {
            for file in files {
                var components = file.path.split(separator: UInt8(ascii: "/")).map(Array.init)
                let name = components.removeLast()
                var directory = destination
                for component in components {
                    if try directory.makeDirectory(component, mode: 0o777) {
                        createdDirectories.append((directory, component))
                    }
                    directory = try directory.subdirectory(component)
                }
                if let info = directory.entryStatus(name), info.st_mode & S_IFMT == S_IFDIR {
                    throw DirectoryHandle.Failure(.notADirectory, "\(directory.display(name)) is a directory")
                }
                let temporary = DirectoryHandle.temporaryName()
                try directory.createFile(file.contents, named: temporary, mode: 0o666)
                staged.append((directory, temporary, name))
            }
        } catch {
            for entry in staged { entry.directory.unlink(entry.temporary) }
            for entry in createdDirectories.reversed() {
                _ = DirectoryHandle.withName(entry.name) { unlinkat(entry.parent.descriptor, $0, AT_REMOVEDIR) }
            }
            throw error
        }
        var firstError: DirectoryHandle.Failure?
        for entry in staged {
            do {
                try entry.directory.rename(entry.temporary, to: entry.name, in: entry.directory)
            } catch {
                entry.directory.unlink(entry.temporary)
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }
}
