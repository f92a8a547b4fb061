import FanoutJobs
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The coordinator's side of `--return` against a lying worker: crafted answers, real files, a planted link
/// (issue 12, finding 1).
@Suite struct ReturnedFileWriterTests {
    /// A fresh directory standing for the coordinator's working directory, and a sibling "outside" it.
    struct Scratch {
        let root: String
        var destination: String { self.root + "/here" }
        var outside: String { self.root + "/outside" }

        init() throws {
            var template = Array("/tmp/fanout-return-test-XXXXXX".utf8CString)
            try #require(mkdtemp(&template) != nil)
            self.root = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            try #require(mkdir(self.destination, 0o755) == 0)
            try #require(mkdir(self.outside, 0o755) == 0)
        }

        func remove() { _ = system("rm -rf '\(self.root)'") }
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func contents(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func writesExactlyTheRequestedPaths() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let writer = ReturnedFileWriter(expected: [Self.bytes("out/a.txt"), Self.bytes("b.txt")], maximumBytes: 1000)
        let outcome = writer.write(
            [
                ReturnedFile(path: Self.bytes("out/a.txt"), contents: Self.bytes("A"), error: nil),
                ReturnedFile(path: Self.bytes("b.txt"), contents: Self.bytes("B"), error: nil),
            ],
            into: scratch.destination
        )
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        #expect(!outcome.refused)
        #expect(outcome.writtenBytes == 2)
        #expect(Self.contents(scratch.destination + "/out/a.txt") == "A")
        #expect(Self.contents(scratch.destination + "/b.txt") == "B")
        // No temporary file is left next to them.
        let listing = try #require(try? DirectoryHandle.open(scratch.destination + "/out")).entries()
        #expect(listing == [Self.bytes("a.txt")])
    }

    @Test(
        "a worker's escaping, absolute, unrequested and duplicate paths write nothing at all",
        arguments: [
            ("../outside/escape", "outside the job's directory"),
            ("out/../../outside/escape", "outside the job's directory"),
            ("/tmp/fanout-return-abs", "outside the job's directory"),
            ("unrequested.txt", "did not ask for"),
        ]
    )
    func refusesPathsNotAskedFor(path: String, reason: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let absolute = path.hasPrefix("/") ? path + "-\(getpid())" : path
        defer { unlink(absolute) }
        let writer = ReturnedFileWriter(expected: [Self.bytes("out/a.txt")], maximumBytes: 1000)
        let outcome = writer.write(
            [
                ReturnedFile(path: Self.bytes("out/a.txt"), contents: Self.bytes("A"), error: nil),
                ReturnedFile(path: Self.bytes(absolute), contents: Self.bytes("evil"), error: nil),
            ],
            into: scratch.destination
        )
        #expect(outcome.refused)
        #expect(outcome.problems.contains { $0.contains(reason) }, "\(outcome.problems)")
        #expect(!Self.exists(scratch.outside + "/escape"))
        #expect(!Self.exists(absolute))
        // The requested file is not written either: a lying answer is refused whole.
        #expect(!Self.exists(scratch.destination + "/out"))
    }

    @Test func refusesDuplicatesOversizeAndAnythingWithoutReturn() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let requested = ReturnedFile(path: Self.bytes("a.txt"), contents: Self.bytes("A"), error: nil)
        let duplicate = ReturnedFileWriter(expected: [Self.bytes("a.txt")], maximumBytes: 1000)
            .write([requested, requested], into: scratch.destination)
        #expect(duplicate.refused)
        let oversize = ReturnedFileWriter(expected: [Self.bytes("a.txt")], maximumBytes: 0)
            .write([requested], into: scratch.destination)
        #expect(oversize.refused)
        #expect(oversize.problems.first?.contains("more than 0 bytes") == true)
        // No --return at all: whatever the worker sends is refused.
        let unasked = ReturnedFileWriter(expected: [], maximumBytes: 1000).write([requested], into: scratch.destination)
        #expect(unasked.refused)
        #expect(!Self.exists(scratch.destination + "/a.txt"))
    }

    @Test func neverFollowsALinkPlantedInTheDestination() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Someone planted out -> ../outside: the file must not land in outside/.
        try #require(symlink(scratch.outside, scratch.destination + "/out") == 0)
        // And a link where the file itself goes: replaced, not written through.
        try #require(symlink(scratch.outside + "/target", scratch.destination + "/b.txt") == 0)
        let writer = ReturnedFileWriter(expected: [Self.bytes("out/a.txt")], maximumBytes: 1000)
        let outcome = writer.write(
            [ReturnedFile(path: Self.bytes("out/a.txt"), contents: Self.bytes("A"), error: nil)],
            into: scratch.destination
        )
        #expect(!outcome.problems.isEmpty)
        #expect(outcome.problems.contains { $0.contains("symbolic link") }, "\(outcome.problems)")
        #expect(!Self.exists(scratch.outside + "/a.txt"), "the write followed the planted link")

        let replaced = ReturnedFileWriter(expected: [Self.bytes("b.txt")], maximumBytes: 1000).write(
            [ReturnedFile(path: Self.bytes("b.txt"), contents: Self.bytes("B"), error: nil)],
            into: scratch.destination
        )
        #expect(replaced.problems.isEmpty, "\(replaced.problems)")
        #expect(!Self.exists(scratch.outside + "/target"), "the write went through the link")
        var info = stat()
        #expect(lstat(scratch.destination + "/b.txt", &info) == 0 && info.st_mode & S_IFMT == S_IFREG)
    }

    @Test func aFailedPlacementLeavesNoneOfTheFiles() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try #require(symlink(scratch.outside, scratch.destination + "/linked") == 0)
        let writer = ReturnedFileWriter(
            expected: [Self.bytes("new/first.txt"), Self.bytes("linked/second.txt")],
            maximumBytes: 1000
        )
        let outcome = writer.write(
            [
                ReturnedFile(path: Self.bytes("new/first.txt"), contents: Self.bytes("1"), error: nil),
                ReturnedFile(path: Self.bytes("linked/second.txt"), contents: Self.bytes("2"), error: nil),
            ],
            into: scratch.destination
        )
        #expect(!outcome.problems.isEmpty)
        #expect(outcome.written.isEmpty)
        #expect(!Self.exists(scratch.destination + "/new"), "the directory made for the first file was left")
        #expect(!Self.exists(scratch.outside + "/second.txt"))
    }

    @Test func outOfRangeNumbersAreReportedAndClamped() {
        var output = ExecOutput(startMilliseconds: Int64.max, runtimeNanoseconds: UInt64.max, slot: Int.min)
        output.exitStatus = Int32.min
        output.signal = Int32.max
        let problems = output.rangeProblems(maximumBytes: 100)
        #expect(problems.count == 5, "\(problems)")
        let clamped = output.clamped
        #expect(clamped.rangeProblems(maximumBytes: 100).isEmpty)
        #expect(clamped.startMilliseconds == ExecOutput.latestStartMilliseconds)
        #expect(ExecOutput(startMilliseconds: 1_700_000_000_000).rangeProblems(maximumBytes: 100).isEmpty)
    }
}
