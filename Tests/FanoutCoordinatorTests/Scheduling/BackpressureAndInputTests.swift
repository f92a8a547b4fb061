import FanoutProtocol
import Testing

@testable import FanoutCoordinator

@Suite("ResultBackpressure and InputBuffer")
struct BackpressureAndInputTests {
    private static func result(bytes: Int) -> RawResult {
        RawResult(
            index: 0,
            workerID: "",
            host: "",
            outcome: .success([UInt8](repeating: 0, count: bytes)),
            busyNanoseconds: 0,
            attempts: 1
        )
    }

    @Test("input pauses once the held results reach the count limit, and resumes with the channel's level")
    func pauseByCount() {
        var backpressure = ResultBackpressure(countLimit: 2, byteLimit: 1 << 30)
        backpressure.record(Self.result(bytes: 1))
        let pausedAtOne = backpressure.pauseIfFull()
        #expect(!pausedAtOne)
        backpressure.record(Self.result(bytes: 1))
        let pausedAtTwo = backpressure.pauseIfFull()
        #expect(pausedAtTwo)
        #expect(backpressure.isPaused)
        backpressure.resume(held: 1, heldBytes: 10)
        #expect(!backpressure.isPaused && !backpressure.isFull)
        #expect(backpressure.held == 1 && backpressure.heldBytes == 10)
    }

    @Test("a few large results pause input by bytes")
    func pauseByBytes() {
        var backpressure = ResultBackpressure(countLimit: 1_000, byteLimit: 1 << 20)
        backpressure.record(Self.result(bytes: 600_000))
        let pausedAtOne = backpressure.pauseIfFull()
        #expect(!pausedAtOne)
        backpressure.record(Self.result(bytes: 600_000))
        let pausedAtTwo = backpressure.pauseIfFull()
        #expect(pausedAtTwo)
        backpressure.startRun()
        #expect(!backpressure.isPaused && backpressure.held == 0)
    }

    @Test("the next chunk is asked for at half a chunk, once, and the buffer ends when the producer says so")
    func inputChunks() {
        var buffer = InputBuffer(chunkSize: 4, byteLimit: 1 << 20)
        #expect(buffer.wantsMore)
        buffer.markRequested()
        #expect(!buffer.wantsMore, "one chunk on its way at a time")
        buffer.receive((0..<4).map { .encoded([UInt8($0)], digest: 0) }, finished: false)
        #expect(!buffer.wantsMore && buffer.count == 4)
        _ = buffer.popFirst()
        _ = buffer.popFirst()
        #expect(buffer.wantsMore)
        buffer.receive([], finished: true)
        #expect(!buffer.wantsMore && !buffer.isExhausted)
        _ = buffer.popFirst()
        _ = buffer.popFirst()
        let last = buffer.popFirst()
        #expect(last == nil && buffer.isExhausted)
    }

    @Test("large buffered inputs hold back the next chunk")
    func inputBytes() {
        var buffer = InputBuffer(chunkSize: 100, byteLimit: 1_000)
        buffer.receive([.encoded([UInt8](repeating: 0, count: 600), digest: 0)], finished: false)
        #expect(!buffer.wantsMore)
        _ = buffer.popFirst()
        #expect(buffer.wantsMore && buffer.bytes == 0)
    }
}
