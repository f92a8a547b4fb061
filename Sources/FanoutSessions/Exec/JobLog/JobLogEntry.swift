import FanoutProtocol

/// One line of a `--joblog` file (GNU Parallel's tab-separated columns: Seq, Host, Starttime, JobRuntime, Send,
/// Receive, Exitval, Signal, Command), and the strict reading of such lines back for `--resume`.
///
/// The host and times come from a worker, which may be compromised: the host is escaped so that it can neither end
/// its field nor start a line (a forged line once made `--resume-failed` skip a job that had failed), times are
/// clamped before any integer conversion, and reading accepts only lines exactly as ``line`` writes them.
public struct JobLogEntry: Sendable, Equatable {
    /// The job's 1-based sequence number.
    public var sequence: Int
    /// The host the job ran on, as the worker named it.
    public var host: String
    /// When the job started, in seconds since the epoch.
    public var startSeconds: Double
    /// How long it ran.
    public var runtimeSeconds: Double
    /// Bytes staged to the worker for it.
    public var sentBytes: Int
    /// Bytes of returned files.
    public var receivedBytes: Int
    /// The program's exit status.
    public var exitStatus: Int32
    /// The signal that ended it, or 0.
    public var signal: Int32
    /// The command line, for people.
    public var command: String

    /// Creates an entry.
    public init(
        sequence: Int,
        host: String,
        startSeconds: Double,
        runtimeSeconds: Double,
        sentBytes: Int,
        receivedBytes: Int,
        exitStatus: Int32,
        signal: Int32,
        command: String
    ) {
        self.sequence = sequence
        self.host = host
        self.startSeconds = startSeconds
        self.runtimeSeconds = runtimeSeconds
        self.sentBytes = sentBytes
        self.receivedBytes = receivedBytes
        self.exitStatus = exitStatus
        self.signal = signal
        self.command = command
    }

    /// Whether the job succeeded (exit status 0, no signal).
    public var succeeded: Bool { self.exitStatus == 0 && self.signal == 0 }

    /// The header line, GNU Parallel's.
    public static let header = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n"
    /// The longest host name kept.
    public static let hostCharacterLimit = 255
    /// The longest command line kept.
    public static let commandCharacterLimit = 1 << 16
    /// The largest number of seconds written (about 31,700 years); a worker-sent time beyond it is written as it.
    public static let maximumSeconds: Double = 1e12

    /// The entry as one line, ending in a newline: every field escaped (``UntrustedText/forTSVField(_:limit:)``),
    /// so it is always exactly nine fields on one line.
    public var line: String {
        let host = UntrustedText.forTSVField(self.host, limit: Self.hostCharacterLimit)
        return [
            String(self.sequence), host.isEmpty ? ":" : host, Self.format(self.startSeconds),
            Self.format(self.runtimeSeconds), String(self.sentBytes), String(self.receivedBytes),
            String(self.exitStatus), String(self.signal),
            UntrustedText.forTSVField(self.command, limit: Self.commandCharacterLimit),
        ].joined(separator: "\t") + "\n"
    }

    /// Seconds with three decimals, as GNU Parallel writes them. Negative, non-finite and absurdly large values
    /// are clamped, never converted raw.
    /// - Parameter seconds: Seconds.
    /// - Returns: `S.mmm`.
    public static func format(_ seconds: Double) -> String {
        let bounded = seconds.isFinite ? min(max(0, seconds), Self.maximumSeconds) : 0
        let thousandths = Int64((bounded * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// Reads a whole log: the last well-formed line for each sequence number. Torn, foreign or malformed lines
    /// (the header among them) are skipped.
    /// - Parameter bytes: The file's contents.
    /// - Returns: Entries by sequence number.
    public static func entries(in bytes: some Collection<UInt8>) -> [Int: JobLogEntry] {
        var entries: [Int: JobLogEntry] = [:]
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let entry = Self(parsing: line) { entries[entry.sequence] = entry }
        }
        return entries
    }

    /// Parses one line (without its newline) as ``line`` writes it: nine fields, a positive sequence number, times
    /// with three decimals, decimal byte counts, statuses, a non-negative signal. Anything else is `nil`.
    /// - Parameter line: One line.
    public init?(parsing line: Substring) {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 9, Self.isDecimal(fields[0]), let sequence = Int(fields[0]), sequence >= 1,
            !fields[1].isEmpty, let startSeconds = Self.seconds(fields[2]),
            let runtimeSeconds = Self.seconds(fields[3]), Self.isDecimal(fields[4]), let sentBytes = Int(fields[4]),
            Self.isDecimal(fields[5]), let receivedBytes = Int(fields[5]), Self.isInteger(fields[6]),
            let exitStatus = Int32(fields[6]), Self.isDecimal(fields[7]), let signal = Int32(fields[7])
        else { return nil }
        self.init(
            sequence: sequence,
            host: String(fields[1]),
            startSeconds: startSeconds,
            runtimeSeconds: runtimeSeconds,
            sentBytes: sentBytes,
            receivedBytes: receivedBytes,
            exitStatus: exitStatus,
            signal: signal,
            command: String(fields[8])
        )
    }

    private static func isDecimal(_ field: Substring) -> Bool {
        !field.isEmpty && field.utf8.count <= 18
            && field.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func isInteger(_ field: Substring) -> Bool {
        field.first == "-" ? Self.isDecimal(field.dropFirst()) : Self.isDecimal(field)
    }

    /// `S.mmm`, as ``format(_:)`` writes it.
    private static func seconds(_ field: Substring) -> Double? {
        let parts = field.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isDecimal(parts[0]), parts[1].utf8.count == 3, Self.isDecimal(parts[1]),
            let value = Double(field), value.isFinite
        else { return nil }
        return value
    }
}
