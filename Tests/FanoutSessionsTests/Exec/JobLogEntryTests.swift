import FanoutSessions
import Testing

@Suite("JobLogEntry: --joblog lines with worker-sent hosts and times")
struct JobLogEntryTests {
    /// What a compromised worker sent as its host name in the audit: a line break and a forged line saying job 2
    /// succeeded, plus terminal escapes.
    static let forgingHost = "evil\n2\tevil\t0.000\t0.000\t0\t0\t0\t0\tforged\n\u{1B}[2J\\"

    static func entry(sequence: Int, host: String, exitStatus: Int32, start: Double = 1_700_000_000.5) -> JobLogEntry {
        JobLogEntry(
            sequence: sequence,
            host: host,
            startSeconds: start,
            runtimeSeconds: 0.25,
            sentBytes: 10,
            receivedBytes: 20,
            exitStatus: exitStatus,
            signal: 0,
            command: "./solve\tcase \(sequence)\n"
        )
    }

    @Test("a host name with tabs and newlines stays one field of one line; --resume-failed still reruns the job")
    func forgedLinesCannotBeInjected() throws {
        let failing = Self.entry(sequence: 2, host: Self.forgingHost, exitStatus: 1)
        let line = failing.line
        #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("\n"))
        #expect(line.split(separator: "\t", omittingEmptySubsequences: false).count == 9)
        #expect(!line.unicodeScalars.contains { $0.value == 0x1B })
        let back = try #require(JobLogEntry(parsing: line.dropLast()))
        #expect(back.sequence == 2 && back.exitStatus == 1 && !back.succeeded)
        // The log as `--resume-failed` reads it: job 2 failed, whatever its host claimed.
        let log = JobLogEntry.header + Self.entry(sequence: 1, host: "ok", exitStatus: 0).line + line
        let entries = JobLogEntry.entries(in: Array(log.utf8))
        #expect(entries.keys.sorted() == [1, 2])
        #expect(entries[2]?.succeeded == false)
        #expect(entries[1]?.succeeded == true)
    }

    @Test("worker-sent times of Int64.max, infinity, NaN and negative values are clamped, not trapped on")
    func absurdTimesAreClamped() {
        for seconds in [Double(Int64.max) / 1000, Double(Int64.max), .infinity, -.infinity, .nan, -5, 1e300] {
            let text = JobLogEntry.format(seconds)
            #expect(text.hasSuffix(".000") || text == "0.000", "\(seconds): \(text)")
        }
        #expect(JobLogEntry.format(1.2345) == "1.235" || JobLogEntry.format(1.2345) == "1.234")
        let line = Self.entry(sequence: 3, host: "h", exitStatus: 0, start: Double(Int64.max)).line
        #expect(JobLogEntry(parsing: line.dropLast())?.startSeconds == JobLogEntry.maximumSeconds)
    }

    @Test("lines that are not exactly ours are skipped: wrong field count, signs, huge numbers, nan, bad decimals")
    func malformedLinesSkipped() {
        let good = Self.entry(sequence: 4, host: "h", exitStatus: 0).line.dropLast()
        var fields = good.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        #expect(JobLogEntry(parsing: good) != nil)
        let mutations: [(Int, String)] = [
            (0, "+4"), (0, "-4"), (0, "0"), (0, "99999999999999999999999"), (0, " 4"), (1, ""), (2, "nan"),
            (2, "inf"), (2, "1e3"), (2, "1.5"), (3, "-1.000"), (4, "-1"), (5, "1.0"), (6, "0x0"), (7, "-9"),
        ]
        for (index, value) in mutations {
            let original = fields[index]
            fields[index] = value
            #expect(JobLogEntry(parsing: Substring(fields.joined(separator: "\t"))) == nil, "\(index): \(value)")
            fields[index] = original
        }
        #expect(JobLogEntry(parsing: good + "\textra") == nil)
        #expect(
            JobLogEntry(parsing: "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand") == nil
        )
    }
}
