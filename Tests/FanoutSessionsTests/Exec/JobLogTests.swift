import Foundation
import Testing

@testable import FanoutSessions

#if canImport(Glibc)
import Glibc
#endif

/// The `--joblog` file itself: created private, truncated or appended, only a regular file, torn lines healed.
@Suite("JobLog: the --joblog file")
struct JobLogTests {
    static let entry = JobLogEntry(
        sequence: 1,
        host: "h",
        startSeconds: 1_700_000_000,
        runtimeSeconds: 0.5,
        sentBytes: 2,
        receivedBytes: 3,
        exitStatus: 0,
        signal: 0,
        command: "echo a"
    )

    @Test("a new log has mode 0600 whatever the umask and starts with the header")
    func newLogIsPrivate() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let path = scratch.path + "/jobs.tsv"
        let previous = umask(0)
        defer { umask(previous) }
        let log = try JobLog(path: path, append: false)
        log.record(Self.entry)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(String(decoding: scratch.read("jobs.tsv") ?? [], as: UTF8.self) == JobLogEntry.header + Self.entry.line)
    }

    @Test("starting afresh truncates; appending keeps the lines and ends a torn one before adding more")
    func truncateAndAppend() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let path = try scratch.write("jobs.tsv", Array((JobLogEntry.header + "2\thalf a li").utf8))
        do {
            let log = try JobLog(path: path, append: true)
            log.record(Self.entry)
        }
        let appended = String(decoding: scratch.read("jobs.tsv") ?? [], as: UTF8.self)
        #expect(appended == JobLogEntry.header + "2\thalf a li\n" + Self.entry.line)
        #expect(JobLog.read(path: path).keys.sorted() == [1])
        _ = try JobLog(path: path, append: false)
        #expect(String(decoding: scratch.read("jobs.tsv") ?? [], as: UTF8.self) == JobLogEntry.header)
    }

    @Test("a FIFO or a directory at the path is refused, and reads as an empty log")
    func onlyRegularFiles() throws {
        let scratch = try ExecScratch()
        defer { scratch.remove() }
        let fifo = scratch.path + "/fifo"
        try #require(mkfifo(fifo, 0o600) == 0)
        // Without a reader the non-blocking open itself fails (ENXIO); with one, the type check refuses it.
        let refusal = #expect(throws: ExecSessionError.self) { try JobLog(path: fifo, append: true) }
        #expect(refusal?.code == .jobLog)
        #expect(refusal?.message.hasPrefix("cannot open the job log \(fifo): ") == true)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        #expect(throws: ExecSessionError(.jobLog, "cannot open the job log \(fifo): not a regular file")) {
            try JobLog(path: fifo, append: true)
        }
        #expect(throws: ExecSessionError.self) { try JobLog(path: scratch.path, append: false) }
        #expect(JobLog.read(path: fifo).isEmpty)
        #expect(JobLog.read(path: scratch.path).isEmpty)
    }
}
