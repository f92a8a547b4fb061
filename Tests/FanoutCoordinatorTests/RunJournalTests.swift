import FanoutProtocol
import Foundation
import Testing

@testable import FanoutCoordinator

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

    @Test("a corrupted byte in the middle keeps the records before it")
    func corruptedMiddle() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.write((0..<10).map { Self.result($0) }, to: path)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let journal = try RunJournal.open(path: path, identity: Self.identity, mode: .resume)
        #expect(journal.replayCount > 0 && journal.replayCount < 10)
        for index in 0..<UInt64(journal.replayCount) {
            #expect(journal.recordedResult(at: index)?.outcome == Self.result(index).outcome)
        }
        try journal.close()
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
