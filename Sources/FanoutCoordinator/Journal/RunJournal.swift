import FanoutProtocol

/// A durable record of a run's finished tasks, so that a run cut short (Ctrl-C, a crash, kill -9 of the
/// coordinator, a reboot) can be resumed without redoing what was done.
///
/// Each finished task is appended as one checksummed record (index, input fingerprint, output or error, worker,
/// host, busy time, attempts), written and `fdatasync`ed in batches from a background thread. Resuming reads the
/// records back, cuts off a torn last record, and the scheduler then skips every input whose result is recorded,
/// replaying the recorded result in its place: the resumed run's output is the same as a clean run's.
///
/// ```swift
/// let journal = try RunJournal.open(path: "run.journal", identity: identity, mode: .resume)
/// for try await result in cluster.map(Primes.self, inputs, journal: journal) { … }
/// try journal.close()
/// ```
public final class RunJournal: Sendable {
    /// What a journal belongs to. A journal is refused for a run whose identity differs.
    public struct Identity: Sendable, Equatable {
        /// The job's registered name.
        public var job: String
        /// The run's parameters as the user gave them (for the CLI, the workload's options), which fix the inputs.
        public var parameters: String
        /// SHA-256 of the worker programs that run the job, sorted.
        public var binaryDigests: [String]

        /// Creates an identity.
        public init(job: String, parameters: String, binaryDigests: [String]) {
            self.job = job
            self.parameters = parameters
            self.binaryDigests = binaryDigests.sorted()
        }
    }

    /// How to open a journal.
    public enum Mode: Sendable {
        /// Start a new journal; refuse a file that already holds records.
        case create
        /// Continue the journal at the path (or start one if there is none); recorded results are replayed.
        case resume
        /// Like ``resume``, but tasks recorded as failed run again.
        case resumeFailed
    }

    /// The journal file.
    public let path: String
    /// Recorded results that will be replayed instead of run, by input index.
    let recorded: [UInt64: RawResult]
    /// Bytes of a torn or corrupt tail that were cut off when the journal was opened.
    public let discardedBytes: Int
    /// Records in the file that will not be replayed (failures, with ``Mode/resumeFailed``).
    public let rerunCount: Int
    private let writer: JournalWriter

    /// Recorded results that will be replayed instead of run.
    public var replayCount: Int { self.recorded.count }

    private init(
        path: String,
        recorded: [UInt64: RawResult],
        discardedBytes: Int,
        rerunCount: Int,
        writer: JournalWriter
    ) {
        self.path = path
        self.recorded = recorded
        self.discardedBytes = discardedBytes
        self.rerunCount = rerunCount
        self.writer = writer
    }

    /// Opens or creates a journal.
    /// - Parameters:
    ///   - path: The journal file.
    ///   - identity: The run it belongs to.
    ///   - mode: Start a new journal or resume one.
    /// - Returns: The journal, ready to pass to ``Cluster/map(_:_:ordered:journal:)``.
    /// - Throws: ``ClusterError`` with code `journal` when the file cannot be read or written, is not a journal,
    ///   belongs to a different run, or (with ``Mode/create``) already holds records.
    public static func open(path: String, identity: Identity, mode: Mode) throws -> RunJournal {
        let existing = try JournalFile.readExisting(path)
        var recorded: [UInt64: RawResult] = [:]
        var goodLength = 0
        var discarded = 0
        var rerun = 0
        if let bytes = existing?.bytes, let contents = try Self.read(bytes, path: path, identity: identity) {
            if mode == .create {
                throw ClusterError(
                    .journal,
                    "\(path) already exists; pass --resume to continue it, or remove it to start over"
                )
            }
            try Self.check(stored: contents.identity, against: identity, path: path)
            recorded = contents.records
            goodLength = contents.goodLength
            discarded = bytes.count - goodLength
        }
        if mode == .resumeFailed {
            for (index, record) in recorded {
                if case .failure = record.outcome {
                    recorded.removeValue(forKey: index)
                    rerun += 1
                }
            }
        }
        let descriptor = try JournalFile.openForAppend(
            path: path,
            keeping: goodLength,
            identity: identity,
            existing: existing
        )
        return RunJournal(
            path: path,
            recorded: recorded,
            discardedBytes: discarded,
            rerunCount: rerun,
            writer: JournalWriter(descriptor: descriptor, path: path)
        )
    }

    /// What an existing journal holds.
    private struct Contents {
        var identity: Identity
        var records: [UInt64: RawResult]
        /// Bytes up to the end of the last whole record; a torn tail after it is cut off.
        var goodLength: Int
    }

    /// Parses an existing journal's bytes.
    /// - Returns: Its contents, or `nil` when it holds nothing yet: an empty file, or the start of the magic and
    ///   header this run would write (a coordinator killed while creating it).
    /// - Throws: ``ClusterError`` `journal` for anything damaged other than a torn tail: the file is then left
    ///   exactly as it is, since cutting it would silently drop every record after the damage.
    private static func read(_ bytes: [UInt8], path: String, identity: Identity) throws -> Contents? {
        var fresh = JournalRecord.magic
        JournalRecord.appendFrame(JournalRecord.encodeHeader(identity), to: &fresh)
        if bytes.count < fresh.count, fresh.starts(with: bytes) { return nil }
        guard bytes.starts(with: JournalRecord.magic) else {
            throw ClusterError(.journal, "\(path) is not a Fanout journal (it does not start with FANOUTJ1)")
        }
        let untouched = "; it is left as it is: move it away to start over"
        var reader = JournalRecord.Reader(bytes: bytes, offset: JournalRecord.magic.count)
        guard case .body(let headerBody) = reader.next() else {
            throw ClusterError(.journal, "\(path): the journal header is damaged\(untouched)")
        }
        guard let stored = JournalRecord.decodeHeader(headerBody) else {
            throw ClusterError(.journal, "\(path): the journal header is damaged\(untouched)")
        }
        var records: [UInt64: RawResult] = [:]
        while true {
            let start = reader.offset
            switch reader.next() {
            case .end:
                return Contents(identity: stored, records: records, goodLength: start)
            case .bad:
                guard reader.isTornTail(from: start) else {
                    throw ClusterError(
                        .journal,
                        "\(path): the record at byte \(start) is damaged and whole records follow it\(untouched)"
                    )
                }
                return Contents(identity: stored, records: records, goodLength: start)
            case .body(let body):
                guard let record = JournalRecord.decodeRecord(body) else {
                    throw ClusterError(
                        .journal,
                        "\(path): the record at byte \(start) is not a valid record\(untouched)"
                    )
                }
                // A later record for the same index (a failure re-run with --resume-failed) wins.
                records[record.index] = record
            }
        }
    }

    /// The recorded result for input `index`, if any.
    func recordedResult(at index: UInt64) -> RawResult? { self.recorded[index] }

    /// Appends finished tasks (replayed ones are already in the file and are skipped).
    func append(_ results: [RawResult]) {
        var bytes: [UInt8] = []
        for result in results where !result.replayed {
            JournalRecord.encode(result, into: &bytes)
        }
        self.writer.append(bytes)
    }

    /// Writes and syncs every record appended so far and closes the file. Call once, when the run has ended.
    /// - Throws: ``ClusterError`` with code `journal` when a write or sync failed during the run; records from
    ///   then on are missing from the file (those tasks run again on resume).
    public func close() throws {
        if let failure = self.writer.close() {
            throw ClusterError(.journal, "journal: \(failure); tasks finished after that are not recorded")
        }
    }

    private static func check(stored: Identity, against identity: Identity, path: String) throws {
        if stored.job != identity.job {
            throw ClusterError(
                .journal,
                "\(path) is the journal of job '\(UntrustedText.forTerminal(stored.job))', not '\(identity.job)'; "
                    + "use another --journal file"
            )
        }
        if stored.parameters != identity.parameters {
            throw ClusterError(
                .journal,
                "\(path) was written for a different input set: '\(UntrustedText.forTerminal(stored.parameters))', this run is "
                    + "'\(identity.parameters)'; use another --journal file"
            )
        }
        if stored.binaryDigests != identity.binaryDigests {
            throw ClusterError(
                .journal,
                "\(path) was written by a different worker binary (sha256 "
                    + "\(stored.binaryDigests.map { UntrustedText.forTerminal($0.prefix(12)) }.joined(separator: ", ")), this run uses "
                    + "\(identity.binaryDigests.map { String($0.prefix(12)) }.joined(separator: ", "))); results "
                    + "from other code cannot be trusted, so use another --journal file"
            )
        }
    }
}
