import FanoutProtocol
import Foundation
import Testing

@testable import FanoutCoordinator

#if canImport(Glibc)
import Glibc
#endif

@Suite("RunJournal: records, torn tails, identity")
struct RunJournalTests {
    private static let identity = RunJournal.Identity(
        job: "primes",
        parameters: "--limit 1000 --tasks 10",
        binaryDigests: ["b2", "a1"]
    )

    private static func temporaryPath() -> String {
        NSTemporaryDirectory() + "fanout-journal-\(UUID().uuidString)"
    }

    private static func result(_ index: UInt64, failed: Bool = false) -> RawResult {
        RawResult(
            index: index,
            workerID: "local-\(index % 3)",
            host: "höst-é",
            outcome: failed ? .failure("boom \(index)") : .success(Array("output \(index)".utf8)),
            busyNanoseconds: 1_000 * index,
            attempts: Int(index % 4) + 1,
            inputDigest: InputDigest.of(Array("input \(index)".utf8))
        )
    }

    private static func write(_ results: [RawResult], to path: String, mode: RunJournal.Mode = .create) throws {
        let journal = try RunJournal.open(path: path, identity: Self.identity, mode: mode)
        // Several appends, as the scheduler makes them, so the writer batches across calls.
        for chunk in stride(from: 0, to: results.count, by: 7) {
            journal.append(Array(results[chunk..<min(chunk + 7, results.count)]))
        }
        try journal.close()
    }

    private static func fileSize(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    @Test("every field of every record comes back on resume; replayed results are not written twice")
    func roundTrip() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let written = (0..<50).map { Self.result($0, failed: $0 % 9 == 0) }
        try Self.write(written, to: path)
        let resumed = try RunJournal.open(path: path, identity: Self.identity, mode: .resume)
        #expect(resumed.replayCount == 50)
        #expect(resumed.discardedBytes == 0)
        for original in written {
            let back = try #require(resumed.recordedResult(at: original.index))
            #expect(back.outcome == original.outcome)
            #expect(back.workerID == original.workerID)
            #expect(back.host == original.host)
            #expect(back.busyNanoseconds == original.busyNanoseconds)
            #expect(back.attempts == original.attempts)
            #expect(back.inputDigest == original.inputDigest)
            #expect(back.replayed)
        }
        let sizeBefore = try Self.fileSize(path)
        resumed.append([try #require(resumed.recordedResult(at: 3))])
        try resumed.close()
        #expect(try Self.fileSize(path) == sizeBefore)
    }

    @Test("a torn last record, cut at any byte, is cut off and only that task is lost")
    func tornTail() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.write((0..<5).map { Self.result($0) }, to: path)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let fourRecords =
            try Self.fileSize(path)
            - {
                var last: [UInt8] = []
                JournalRecord.encode(Self.result(4), into: &last)
                return last.count
            }()
        for cut in fourRecords..<whole.count {
            try whole.prefix(cut).write(to: URL(fileURLWithPath: path))
            let journal = try RunJournal.open(path: path, identity: Self.identity, mode: .resume)
            #expect(journal.replayCount == 4, "cut at \(cut)")
            #expect(journal.recordedResult(at: 4) == nil)
            #expect(journal.discardedBytes == cut - fourRecords)
            // The torn bytes are gone from the file, so a record appended now is whole.
            journal.append([Self.result(4)])
            try journal.close()
            let again = try RunJournal.open(path: path, identity: Self.identity, mode: .resume)
            #expect(again.replayCount == 5, "cut at \(cut)")
            try again.close()
        }
    }

    @Test("a corrupted record in the middle is refused, naming its offset, and the file is left byte for byte")
    func corruptedMiddle() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.write((0..<10).map { Self.result($0) }, to: path)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for mode in [RunJournal.Mode.resume, .resumeFailed, .create] {
            let error = #expect(throws: ClusterError.self) {
                try RunJournal.open(path: path, identity: Self.identity, mode: mode)
            }
            #expect(error?.code == .journal)
            #expect(error?.message.contains("damaged") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("left as it is") == true, "\(error?.message ?? "")")
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
        }
    }

    @Test("a damaged header is refused and the journal left byte for byte, even with --resume (it used to be wiped)")
    func damagedHeader() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.write((0..<20).map { Self.result($0) }, to: path)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let magic = JournalRecord.magic.count
        // A flipped bit in the header's body, in its checksum, and a length that runs past the end of the file.
        let damages: [(String, (inout [UInt8]) -> Void)] = [
            ("body", { $0[magic + 8 + 2] ^= 0x01 }),
            ("checksum", { $0[magic + 4] ^= 0x80 }),
            ("length", { $0[magic + 3] = 0x7F }),
            ("length zero", { for offset in magic..<(magic + 4) { $0[offset] = 0 } }),
        ]
        for (name, damage) in damages {
            var bytes = original
            damage(&bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            for mode in [RunJournal.Mode.resume, .resumeFailed, .create] {
                let error = #expect(throws: ClusterError.self, "\(name)") {
                    try RunJournal.open(path: path, identity: Self.identity, mode: mode)
                }
                #expect(error?.message.contains("header is damaged") == true, "\(name): \(error?.message ?? "")")
                #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == bytes, "\(name)")
            }
        }
        // A coordinator killed while creating the journal leaves a prefix of this run's own header: that starts over.
        try Data(original.prefix(magic + 5)).write(to: URL(fileURLWithPath: path))
        let restarted = try RunJournal.open(path: path, identity: Self.identity, mode: .resume)
        #expect(restarted.replayCount == 0)
        try restarted.close()
    }

    @Test("a record length of 4 GiB in the tail is bounded before anything is allocated: torn, cut off")
    func hugeLengthInTail() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.write((0..<3).map { Self.result($0) }, to: path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5]))
        try handle.close()
        let journal = try RunJournal.open(path: path, identity: Self.identity, mode: .resume)
        #expect(journal.replayCount == 3)
        #expect(journal.discardedBytes == 9)
        try journal.close()
    }

    @Test("/dev/zero, a FIFO, a directory, a symlink to a FIFO and a dangling symlink are refused at once")
    func nonRegularFilesRefused() throws {
        let directory = Self.temporaryPath()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let linkToFIFO = directory + "/link-to-fifo"
        try FileManager.default.createSymbolicLink(atPath: linkToFIFO, withDestinationPath: fifo)
        let dangling = directory + "/dangling"
        let target = directory + "/planted-target"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: target)
        let cases = [
            ("/dev/zero", "a device"), (fifo, "a FIFO"), (directory, "a directory"), (linkToFIFO, "a FIFO"),
            (dangling, "symbolic link"),
        ]
        let started = ContinuousClock.now
        for (path, phrase) in cases {
            for mode in [RunJournal.Mode.create, .resume] {
                let error = #expect(throws: ClusterError.self, "\(path)") {
                    try RunJournal.open(path: path, identity: Self.identity, mode: mode)
                }
                #expect(error?.code == .journal)
                #expect(error?.message.contains(phrase) == true, "\(path): \(error?.message ?? "")")
            }
        }
        // Refused without blocking on the FIFO or reading /dev/zero for ever.
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(!FileManager.default.fileExists(atPath: target), "a journal was created through the dangling symlink")
    }

    @Test("a new journal is created with mode 0600 whatever the umask")
    func privateMode() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let previous = umask(0)
        defer { umask(previous) }
        try Self.write([Self.result(0)], to: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test("a journal of another job, other parameters or another binary is refused, naming the difference")
    func identityMismatch() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.write([Self.result(0)], to: path)
        let others: [(RunJournal.Identity, String)] = [
            (.init(job: "pi", parameters: Self.identity.parameters, binaryDigests: ["a1", "b2"]), "job 'primes'"),
            (.init(job: "primes", parameters: "--limit 9 --tasks 10", binaryDigests: ["a1", "b2"]), "input set"),
            (.init(job: "primes", parameters: Self.identity.parameters, binaryDigests: ["a1"]), "worker binary"),
        ]
        for (identity, phrase) in others {
            let error = #expect(throws: ClusterError.self) {
                try RunJournal.open(path: path, identity: identity, mode: .resume)
            }
            #expect(error?.code == .journal)
            #expect(error?.message.contains(phrase) == true, "\(error?.message ?? "")")
        }
        // The same identity, digests in another order, is accepted.
        let same = RunJournal.Identity(
            job: "primes",
            parameters: Self.identity.parameters,
            binaryDigests: ["a1", "b2"]
        )
        try RunJournal.open(path: path, identity: same, mode: .resume).close()
    }

    @Test("a new run refuses a journal that holds records; --resume of a missing file starts one")
    func createAndResumeRules() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fresh = try RunJournal.open(path: path, identity: Self.identity, mode: .resume)
        #expect(fresh.replayCount == 0)
        fresh.append([Self.result(0)])
        try fresh.close()
        let error = #expect(throws: ClusterError.self) {
            try RunJournal.open(path: path, identity: Self.identity, mode: .create)
        }
        #expect(error?.message.contains("--resume") == true)
        try "not a journal at all\n".write(toFile: path, atomically: true, encoding: .utf8)
        let notJournal = #expect(throws: ClusterError.self) {
            try RunJournal.open(path: path, identity: Self.identity, mode: .resume)
        }
        #expect(notJournal?.message.contains("not a Fanout journal") == true)
    }

    @Test("--resume-failed runs recorded failures again, and the newer record wins")
    func resumeFailed() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.write([Self.result(0), Self.result(1, failed: true), Self.result(2, failed: true)], to: path)
        let journal = try RunJournal.open(path: path, identity: Self.identity, mode: .resumeFailed)
        #expect(journal.replayCount == 1)
        #expect(journal.rerunCount == 2)
        journal.append([Self.result(1)])
        try journal.close()
        let again = try RunJournal.open(path: path, identity: Self.identity, mode: .resume)
        #expect(again.replayCount == 3)
        #expect(again.recordedResult(at: 1)?.outcome == Self.result(1).outcome)
        try again.close()
    }
}
