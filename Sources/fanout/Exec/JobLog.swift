#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `--joblog`: one tab-separated line per finished job, GNU Parallel's columns, written as each job ends (one
/// `write` per line, so a coordinator killed with -9 leaves every finished job in the file). Only the task that
/// reads the results writes to it, one line at a time.
final class JobLog: @unchecked Sendable {
    /// One line of the log.
    struct Entry: Equatable {
        var sequence: Int
        var host: String
        var startSeconds: Double
        var runtimeSeconds: Double
        var sentBytes: Int
        var receivedBytes: Int
        var exitStatus: Int32
        var signal: Int32
        var command: String

        var succeeded: Bool { self.exitStatus == 0 && self.signal == 0 }
    }

    /// The header line, GNU Parallel's.
    static let header = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n"

    let path: String
    private let descriptor: Int32

    /// Opens the log: appending when resuming, otherwise starting it afresh.
    /// - Parameters:
    ///   - path: The file.
    ///   - append: Keep what it holds (for `--resume`).
    /// - Throws: `JobLogError` when it cannot be opened.
    init(path: String, append: Bool) throws {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            throw JobLogError(message: "cannot open the job log \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.descriptor = descriptor
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_size == 0 {
            self.write(Self.header)
        } else if append {
            // A line torn by a crash must not glue itself to the next one.
            let existing = FileManager.default.contents(atPath: path)
            if let last = existing?.last, last != UInt8(ascii: "\n") { self.write("\n") }
        }
    }

    deinit { close(self.descriptor) }

    /// Appends one job's line.
    func record(_ entry: Entry) {
        let command = entry.command.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }
        let line = [
            String(entry.sequence), entry.host.isEmpty ? ":" : entry.host, Self.format(entry.startSeconds),
            Self.format(entry.runtimeSeconds), String(entry.sentBytes), String(entry.receivedBytes),
            String(entry.exitStatus), String(entry.signal), String(command),
        ].joined(separator: "\t")
        self.write(line + "\n")
    }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(self.descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// Seconds with three decimals, as GNU Parallel writes them.
    static func format(_ seconds: Double) -> String {
        let thousandths = Int64((max(0, seconds) * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// Reads a log written by an earlier run: the last line for each sequence number. Torn or foreign lines are
    /// skipped.
    /// - Parameter path: The file; a missing file reads as empty.
    /// - Returns: Entries by sequence number.
    static func read(path: String) -> [Int: Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var entries: [Int: Entry] = [:]
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: "\t", maxSplits: 8, omittingEmptySubsequences: false)
            guard fields.count == 9, let sequence = Int(fields[0]), let exitStatus = Int32(fields[6]),
                let signal = Int32(fields[7])
            else { continue }
            entries[sequence] = Entry(
                sequence: sequence,
                host: String(fields[1]),
                startSeconds: Double(fields[2]) ?? 0,
                runtimeSeconds: Double(fields[3]) ?? 0,
                sentBytes: Int(fields[4]) ?? 0,
                receivedBytes: Int(fields[5]) ?? 0,
                exitStatus: exitStatus,
                signal: signal,
                command: String(fields[8])
            )
        }
        return entries
    }
}

/// The job log cannot be used.
struct JobLogError: Error {
    var message: String
}
