import FanoutProtocol
import NIOConcurrencyHelpers
import Testing

@testable import FanoutCoordinator

@Suite("InputProducer: chunks of encoded inputs pulled off the scheduler's loop")
struct InputProducerTests {
    private static func run(_ inputs: [RunRequest.Input]) -> (RunRequest, NIOLockedValueBox<Int>) {
        let pulled = NIOLockedValueBox(0)
        let run = RunRequest(
            job: "noop",
            results: ResultChannel(highWaterMark: 100) {},
            pull: {
                pulled.withLockedValue { count in
                    defer { count += 1 }
                    return count < inputs.count ? inputs[count] : nil
                }
            }
        )
        return (run, pulled)
    }

    @Test("a chunk holds what was asked for, pulling no further; the last one says the sequence ended")
    func chunks() {
        let (run, pulled) = Self.run((0..<5).map { .encoded([UInt8($0)]) })
        let producer = InputProducer(chunkByteLimit: 1 << 20)
        let first = producer.produce(InputProducer.Request(run: run, count: 3))
        #expect(first.inputs.count == 3 && !first.finished)
        #expect(pulled.withLockedValue { $0 } == 3, "lazy: nothing pulled ahead of the request")
        let second = producer.produce(InputProducer.Request(run: run, count: 3))
        #expect(second.inputs.count == 2 && second.finished)
        guard case .encoded(let bytes, let digest) = second.inputs[1] else {
            Issue.record("expected an encoded input")
            return
        }
        #expect(bytes == [4] && digest == 0, "no journal: no fingerprint")
    }

    @Test("large inputs end a chunk early; a chunk always holds one")
    func byteLimit() {
        let big = [UInt8](repeating: 1, count: 1_000)
        let (run, _) = Self.run(Array(repeating: .encoded(big), count: 4))
        let producer = InputProducer(chunkByteLimit: 1_500)
        #expect(producer.produce(InputProducer.Request(run: run, count: 10)).inputs.count == 2)
        let tiny = InputProducer(chunkByteLimit: 1)
        #expect(tiny.produce(InputProducer.Request(run: run, count: 10)).inputs.count == 1)
    }

    @Test("an input that could not be encoded travels as such, in its place")
    func unencodable() {
        let (run, _) = Self.run([.encoded([1]), .unencodable("bad"), .encoded([2])])
        let producer = InputProducer(chunkByteLimit: 1 << 20)
        let chunk = producer.produce(InputProducer.Request(run: run, count: 10))
        #expect(chunk.inputs.count == 3 && chunk.finished)
        guard case .unencodable(let reason, _) = chunk.inputs[1] else {
            Issue.record("expected the unencodable input second")
            return
        }
        #expect(reason == "bad")
    }

    @Test("a run that ended pulls nothing more from the caller's sequence")
    func endedRun() {
        let (run, pulled) = Self.run((0..<5).map { .encoded([UInt8($0)]) })
        run.results.finish()
        let producer = InputProducer(chunkByteLimit: 1 << 20)
        let chunk = producer.produce(InputProducer.Request(run: run, count: 3))
        #expect(chunk.inputs.isEmpty && chunk.finished)
        #expect(pulled.withLockedValue { $0 } == 0)
    }
}
