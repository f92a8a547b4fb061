import Foundation
import Testing

@testable import fanout

@Suite("FileHandleOutput")
struct FileHandleOutputTests {
    /// Writes `lines` lines from each of `threads` threads at once to one stream on a temporary file, then reads the
    /// file back.
    private static func writeConcurrently(threads: Int, lines: Int, bufferLimit: Int) throws -> [Substring] {
        let path = NSTemporaryDirectory() + "fanout-output-\(UUID().uuidString)"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0)
        defer { unlink(path) }
        let output = FileHandleOutput(descriptor: descriptor, bufferLimit: bufferLimit)
        let padding = String(repeating: "x", count: 180)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for line in 0..<lines {
                if line % 2 == 0 {
                    output.write("thread \(thread) line \(line) \(padding) end\n")
                } else {
                    output.write(bytes: Array("thread \(thread) line \(line) \(padding) end\n".utf8))
                }
                if line % 50 == 0 { output.flush() }
            }
        }
        output.flush()
        close(descriptor)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 }
    }

    @Test("lines written from many threads at once all arrive whole", arguments: [0, 64 * 1024])
    func concurrentWritesArriveWhole(bufferLimit: Int) throws {
        let threads = 16
        let lines = 500
        let written = try Self.writeConcurrently(threads: threads, lines: lines, bufferLimit: bufferLimit)
        #expect(written.count == threads * lines)
        var seen = Set<String>()
        let padding = String(repeating: "x", count: 180)
        for line in written {
            let fields = line.split(separator: " ")
            #expect(fields.count == 6 && fields[0] == "thread" && fields[2] == "line", "torn line: \(line.prefix(80))")
            #expect(fields.count == 6 && fields[4] == padding && fields[5] == "end", "torn line: \(line.prefix(80))")
            seen.insert(String(line))
        }
        #expect(seen.count == threads * lines, "every line arrives exactly once")
    }
}
