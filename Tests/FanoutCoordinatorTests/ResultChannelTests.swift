import FanoutProtocol
import NIOConcurrencyHelpers
import Testing

@testable import FanoutCoordinator

@Suite("ResultChannel: bounded in count and bytes, released on take or by the reorder buffer")
struct ResultChannelTests {
    private static func result(_ index: UInt64, bytes: Int) -> RawResult {
        RawResult(
            index: index,
            workerID: "w",
            host: "h",
            outcome: .success([UInt8](repeating: 7, count: bytes)),
            busyNanoseconds: 0,
            attempts: 1
        )
    }

    @Test("a few large results fill the channel by bytes long before the count limit")
    func fullByBytes() async throws {
        let wakes = NIOLockedValueBox(0)
        let channel = ResultChannel(highWaterMark: 1_000, byteHighWaterMark: 1 << 20) {
            wakes.withLockedValue { $0 += 1 }
        }
        channel.send((0..<3).map { Self.result($0, bytes: 300_000) })
        #expect(!channel.isFull)
        channel.send([Self.result(3, bytes: 300_000)])
        #expect(channel.isFull, "4 x 300 KB held, limit 1 MiB")
        channel.requestWakeup()
        #expect(wakes.withLockedValue { $0 } == 0)
        let taken = try await channel.nextBatch()
        #expect(taken.count == 4)
        #expect(channel.heldBytes == 0 && channel.isDrained)
        #expect(wakes.withLockedValue { $0 } == 1, "draining wakes the paused scheduler once")
        #expect(channel.peakHeldBytes >= 1_200_000)
    }

    @Test("without release on take, results stay held until the reorder buffer releases them")
    func orderedHoldsUntilReleased() async throws {
        let wakes = NIOLockedValueBox(0)
        let channel = ResultChannel(highWaterMark: 1_000, byteHighWaterMark: 1 << 20, releasesOnTake: false) {
            wakes.withLockedValue { $0 += 1 }
        }
        // Results 1...4 arrive while 0 is stalled: taken from the channel, still held (in the reorder buffer).
        channel.send((1...4).map { Self.result($0, bytes: 300_000) })
        let waiting = try await channel.nextBatch()
        #expect(waiting.count == 4)
        #expect(channel.isFull, "taking them did not release them")
        channel.requestWakeup()
        channel.release(waiting.prefix(1))
        #expect(channel.isFull == false && wakes.withLockedValue { $0 } == 0, "not yet below half")
        channel.release(waiting.dropFirst())
        #expect(channel.held == 0 && wakes.withLockedValue { $0 } == 1)
    }

    @Test("a wakeup requested after the channel drained fires at once: a pause cannot outlive its cause")
    func lateWakeupRequestFires() {
        let wakes = NIOLockedValueBox(0)
        let channel = ResultChannel(highWaterMark: 2, byteHighWaterMark: 1 << 20) { wakes.withLockedValue { $0 += 1 } }
        channel.requestWakeup()
        #expect(wakes.withLockedValue { $0 } == 1)
    }
}
