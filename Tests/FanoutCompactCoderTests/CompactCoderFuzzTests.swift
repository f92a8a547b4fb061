import FanoutCompactCoder
import Testing

extension CompactCoderTests {
    /// A small, seedable generator (SplitMix64), so a failing fuzz input can be reproduced.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = self.state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    /// Valid encodings to mutate, so the fuzzer reaches deep into the decoder instead of failing at the first byte.
    func fuzzSeeds() throws -> [[UInt8]] {
        var expression = Expression.number(1)
        for level in 0..<5 {
            expression = .add(.negate(expression), .number(level))
        }
        return [
            try self.encoder.encode(Everything.sample),
            try self.encoder.encode([Shape.circle(radius: 1), .rectangle(2, 3), .labelled(name: "x", tags: ["y"])]),
            try self.encoder.encode(expression),
            try self.encoder.encode(["a": [1, 2], "bb": [], "007": [-3]]),
            try self.encoder.encode(Optionals(plain: 1, nested: .some(nil), list: [nil, 2])),
            try self.encoder.encode([UInt8](repeating: 7, count: 40)),
            try self.encoder.encode(DeepArray(depth: 12)),
            try self.encoder.encode(AllIntegers.sample),
            try self.encoder.encode(Envelope(id: 1, meta: ["k": "v"], note: nil)),
            try self.encoder.encode([Int??.some(nil), 3, nil]),
        ]
    }

    /// Decodes `bytes` as several types; any outcome but a crash or a hang is fine. Returns how many succeeded.
    func decodeAsEverything(_ bytes: [UInt8], round: Int) -> Int {
        var successes = 0
        func attempt<T: Decodable>(_ type: T.Type) {
            if (try? self.decoder.decode(T.self, from: bytes)) != nil {
                successes += 1
            }
        }
        attempt(Everything.self)
        attempt(Expression.self)
        attempt([String: [Int]].self)
        switch round % 6 {
        case 0: attempt([Shape].self)
        case 1: attempt(Optionals.self)
        case 2: attempt([UInt8].self)
        case 3: attempt(DeepArray.self)
        case 4: attempt(AllIntegers.self)
        default: attempt([Int??].self)
        }
        return successes
    }

    @Test func fuzzedInputsOnlyReturnOrThrow() throws {
        var random = SplitMix64(state: 0x5EED_F00D)
        let seeds = try self.fuzzSeeds()
        var successes = 0
        for round in 0..<200_000 {
            var bytes: [UInt8]
            if round % 4 == 0 {
                // Random bytes, mostly drawn from the tag range so they look like values.
                let count = Int(random.next() % 40)
                bytes = (0..<count).map { _ in
                    let draw = random.next()
                    return draw & 1 == 0
                        ? UInt8(truncatingIfNeeded: draw >> 8) % 14 : UInt8(truncatingIfNeeded: draw >> 8)
                }
            } else {
                bytes = seeds[Int(random.next() % UInt64(seeds.count))]
                for _ in 0..<(1 + random.next() % 4) {
                    Self.mutate(&bytes, using: &random)
                }
            }
            successes += self.decodeAsEverything(bytes, round: round)
        }
        // Some mutations are harmless (a changed digit in a number); if none decode, the fuzzer is not reaching far.
        #expect(successes > 0)
    }

    static func mutate(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
        let byte = UInt8(truncatingIfNeeded: random.next())
        switch random.next() % 7 {
        case 0 where !bytes.isEmpty:
            bytes[position] = byte
        case 1 where !bytes.isEmpty:
            bytes[position] ^= 1 << (byte % 8)
        case 2:
            bytes.insert(byte, at: position)
        case 3 where !bytes.isEmpty:
            bytes.remove(at: position)
        case 4:
            bytes.removeSubrange(position...)
        case 5 where !bytes.isEmpty:
            // Lengths and counts at their extremes.
            bytes[position] = [0x00, 0x7F, 0x80, 0xFF][Int(byte % 4)]
        default:
            let end = min(bytes.count, position + Int(byte % 16))
            bytes.insert(contentsOf: bytes[position..<end], at: position)
        }
    }
}
