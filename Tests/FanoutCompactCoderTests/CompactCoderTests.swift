import FanoutCompactCoder
import Testing

/// Round trips, pinned bytes and error cases for `CompactEncoder` / `CompactDecoder`.
/// The fuzz loop lives in `CompactCoderFuzzTests.swift`.
@Suite("Compact coder")
struct CompactCoderTests {
    let encoder = CompactEncoder()
    let decoder = CompactDecoder()

    func roundTrip<T: Codable>(_ value: T, as type: T.Type = T.self) throws -> T {
        let bytes = try self.encoder.encode(value)
        return try self.decoder.decode(T.self, from: bytes)
    }

    func expectRoundTrip<T: Codable & Equatable>(
        _ value: T,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(try self.roundTrip(value) == value, sourceLocation: sourceLocation)
    }

    // MARK: Round trips

    @Test func integersOfEveryWidth() throws {
        try self.expectRoundTrip([Int.min, -1, 0, 1, 63, 64, Int.max])
        try self.expectRoundTrip([Int8.min, -1, 0, Int8.max])
        try self.expectRoundTrip([Int16.min, -1, 0, Int16.max])
        try self.expectRoundTrip([Int32.min, -1, 0, Int32.max])
        try self.expectRoundTrip([Int64.min, -1, 0, Int64.max])
        try self.expectRoundTrip([UInt.min, 127, 128, UInt.max])
        try self.expectRoundTrip([UInt8.min, 127, 128, UInt8.max])
        try self.expectRoundTrip([UInt16.min, 127, 128, UInt16.max])
        try self.expectRoundTrip([UInt32.min, 127, 128, UInt32.max])
        try self.expectRoundTrip([UInt64.min, 127, 128, UInt64.max])
        try self.expectRoundTrip([Int128.min, -1, 0, Int128(Int64.max) + 1, Int128.max])
        try self.expectRoundTrip([UInt128.min, UInt128(UInt64.max) + 1, UInt128.max])
        try self.expectRoundTrip(AllIntegers.sample)
        for value in [Int64.min, -65, -64, -1, 0, 63, 64, Int64.max] {
            try self.expectRoundTrip(value)
        }
        // Widths may change between writer and reader as long as the value fits.
        #expect(try self.decoder.decode(UInt8.self, from: self.encoder.encode(200 as Int)) == 200)
        #expect(try self.decoder.decode(Int.self, from: self.encoder.encode(UInt64(5))) == 5)
    }

    @Test func floatingPointIsBitExact() throws {
        let doubles: [Double] = [
            0, -0.0, 1.5, -.infinity, .infinity, .nan, -.nan, .signalingNaN, .leastNonzeroMagnitude,
            .greatestFiniteMagnitude, Double(bitPattern: 0x7FF8_0000_DEAD_BEEF),
        ]
        let decodedDoubles = try self.roundTrip(doubles)
        #expect(decodedDoubles.map(\.bitPattern) == doubles.map(\.bitPattern))
        let floats: [Float] = [0, -0.0, 3.25, -.infinity, .infinity, .nan, Float(bitPattern: 0x7FC0_1234), .ulpOfOne]
        let decodedFloats = try self.roundTrip(floats)
        #expect(decodedFloats.map(\.bitPattern) == floats.map(\.bitPattern))
        let single = try self.roundTrip(Double(bitPattern: 0xFFF0_0000_0000_0001))
        #expect(single.bitPattern == 0xFFF0_0000_0000_0001)
        // A Float widens to a Double on reading.
        #expect(try self.decoder.decode(Double.self, from: self.encoder.encode(Float(0.5))) == 0.5)
    }

    @Test func boolsAndStrings() throws {
        try self.expectRoundTrip([true, false])
        try self.expectRoundTrip(["", "a", "héllo wörld", "日本語", "👩‍👩‍👧‍👦 family", String(repeating: "x", count: 300)])
        try self.expectRoundTrip("")
        try self.expectRoundTrip("\u{0}nul inside")
    }

    @Test func byteArraysUseTheFastPath() throws {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
        let encoded = try self.encoder.encode(bytes)
        // Tag, two-byte length, the bytes: no per-element overhead.
        #expect(encoded.count == 1 + 2 + 300)
        #expect(try self.decoder.decode([UInt8].self, from: encoded) == bytes)
        try self.expectRoundTrip([UInt8]())
        try self.expectRoundTrip(Blob(name: "b", data: [1, 2, 3], chunks: [[], [9], [7, 7]]))
    }

    @Test func structsClassesAndNesting() throws {
        try self.expectRoundTrip(Everything.sample)
        var sparse = Everything.sample
        sparse.optionalName = nil
        sparse.optionalList = nil
        try self.expectRoundTrip(sparse)
        let node = try self.roundTrip(ClassNode(value: 3, next: ClassNode(value: 4, next: nil)))
        #expect(node.value == 3 && node.next?.value == 4 && node.next?.next == nil)
    }

    @Test func enums() throws {
        try self.expectRoundTrip([Color.red, .green])
        try self.expectRoundTrip([Level.low, .high])
        try self.expectRoundTrip([Plain.first, .second])
        try self.expectRoundTrip([
            Shape.circle(radius: 2), .rectangle(3, 4), .empty, .labelled(name: "n", tags: ["a", "b"]),
            .labelled(name: "", tags: []),
        ])
    }

    @Test func recursiveIndirectEnum() throws {
        var expression = Expression.number(1)
        for level in 0..<6 {
            expression = level.isMultiple(of: 2) ? .add(expression, .number(level)) : .negate(expression)
        }
        try self.expectRoundTrip(expression)
    }

    @Test func optionalsIncludingNestedOnes() throws {
        let values: [Int??] = [.none, .some(.none), .some(.some(7))]
        for value in values {
            #expect(try self.roundTrip(value) == value)
        }
        #expect(try self.roundTrip(values) == values)
        for outer in values {
            for inner in [Int?.none, 5] {
                try self.expectRoundTrip(Optionals(plain: inner, nested: outer, list: [inner, nil]))
            }
        }
        let tripleSomeNil: Int??? = .some(.some(.none))
        #expect(try self.roundTrip(tripleSomeNil) == tripleSomeNil)
    }

    @Test func emptyContainers() throws {
        try self.expectRoundTrip([Int]())
        try self.expectRoundTrip([String: Int]())
        try self.expectRoundTrip([Int: [String]]())
        try self.expectRoundTrip(Empty())
        try self.expectRoundTrip([[Int]](repeating: [], count: 3))
        try self.expectRoundTrip(EncodesNothing())
    }

    @Test func dictionaries() throws {
        try self.expectRoundTrip(["a": 1, "": 2, "ünï": 3])
        try self.expectRoundTrip([-5: "minus five", 0: "zero", Int.max: "max", Int.min: "min"])
        // String keys that look like numbers, and ones that only almost do, come back exactly.
        try self.expectRoundTrip(["42": 1, "007": 2, "-0": 3, "+1": 4, "-12": 5, "1e3": 6])
        try self.expectRoundTrip([Color.red: 1.5])
        try self.expectRoundTrip(["outer": [1: ["x": [true]]]])
        try self.expectRoundTrip(Set(["x", "y", "z"]))
        let big = Dictionary(uniqueKeysWithValues: (0..<500).map { ("key\($0)", $0) })
        try self.expectRoundTrip(big)
    }

    @Test func customOutOfOrderCodable() throws {
        try self.expectRoundTrip(OutOfOrder(a: 1, b: "two", c: [3], d: true))
        try self.expectRoundTrip(OutOfOrder(a: -1, b: "", c: [], d: nil))
    }

    @Test func customContainersAndSuper() throws {
        try self.expectRoundTrip(Matrix(rows: [[1, 2], [], [3]]))
        try self.expectRoundTrip(Matrix(rows: []))
        try self.expectRoundTrip(Envelope(id: 9, meta: ["k": "v", "a": "b"], note: nil))
        try self.expectRoundTrip(Envelope(id: 9, meta: [:], note: "n"))
        let dog = try self.roundTrip(Dog(name: "Rex", breed: "collie"))
        #expect(dog.name == "Rex" && dog.breed == "collie")
        let cat = try self.roundTrip(Cat(name: "Tom", lives: 9))
        #expect(cat.name == "Tom" && cat.lives == 9)
        try self.expectRoundTrip(SuperInUnkeyed(head: 1, rest: "r"))
    }

    @Test func appendingAndSlices() throws {
        var buffer: [UInt8] = [0xAA, 0xBB]
        try self.encoder.encode("hi", appendingTo: &buffer)
        #expect(buffer == [0xAA, 0xBB, 0x07, 0x02, 0x68, 0x69])
        #expect(try self.decoder.decode(String.self, from: buffer[2...]) == "hi")
        // A failed encode leaves the buffer as it was.
        #expect(throws: CompactCodingError.self) {
            try self.encoder.encode(Failing(), appendingTo: &buffer)
        }
        #expect(buffer == [0xAA, 0xBB, 0x07, 0x02, 0x68, 0x69])
    }

    // MARK: Pinned format

    @Test func exactBytes() throws {
        #expect(try self.encoder.encode(1) == [0x04, 0x02])
        #expect(try self.encoder.encode(-1) == [0x04, 0x01])
        #expect(try self.encoder.encode(UInt8(200)) == [0x03, 0xC8, 0x01])
        #expect(try self.encoder.encode(true) == [0x02])
        #expect(try self.encoder.encode(Int?.none) == [0x00])
        #expect(try self.encoder.encode(Int??.some(.none)) == [0x0B, 0x00])
        #expect(try self.encoder.encode(1.0) == [0x06, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        #expect(try self.encoder.encode("hé") == [0x07, 0x03, 0x68, 0xC3, 0xA9])
        #expect(try self.encoder.encode([UInt8]([1, 2])) == [0x08, 0x02, 0x01, 0x02])
        #expect(try self.encoder.encode([1, 2]) == [0x09, 0x04, 0x02, 0x04, 0x02, 0x04, 0x04])
        #expect(
            try self.encoder.encode(Point(x: 1, y: -2)) == [0x0A, 0x08, 0x02, 0x78, 0x04, 0x02, 0x02, 0x79, 0x04, 0x03]
        )
        #expect(try self.encoder.encode([7: true]) == [0x0A, 0x03, 0x00, 0x0E, 0x02])
        #expect(try self.encoder.encode(Shape.empty) == [0x0A, 0x08, 0x06, 0x65, 0x6D, 0x70, 0x74, 0x79, 0x0A, 0x00])
        // A 200-byte string: the length takes two bytes.
        #expect(try self.encoder.encode(String(repeating: "a", count: 200)).prefix(3) == [0x07, 0xC8, 0x01])
    }

    // MARK: Errors

    @Test func everyTruncationThrows() throws {
        let bytes = try self.encoder.encode(Everything.sample)
        #expect(try self.decoder.decode(Everything.self, from: bytes) == Everything.sample)
        for length in 0..<bytes.count {
            #expect(throws: CompactCodingError.self) {
                try self.decoder.decode(Everything.self, from: bytes[..<length])
            }
        }
        let shapes = try self.encoder.encode([Shape.labelled(name: "n", tags: ["t"]), .rectangle(1, 2)])
        for length in 0..<shapes.count {
            #expect(throws: CompactCodingError.self) {
                try self.decoder.decode([Shape].self, from: shapes[..<length])
            }
        }
    }

    @Test func wrongTypes() throws {
        let string = try self.encoder.encode("text")
        let intError = #expect(throws: CompactCodingError.self) { try self.decoder.decode(Int.self, from: string) }
        #expect(intError?.code == .typeMismatch)
        let listError = #expect(throws: CompactCodingError.self) { try self.decoder.decode([Int].self, from: string) }
        #expect(listError?.code == .typeMismatch)
        let nilError = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(Int.self, from: self.encoder.encode(Int?.none))
        }
        #expect(nilError?.code == .valueNotFound)
        let tooBig = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(Int8.self, from: self.encoder.encode(300))
        }
        #expect(tooBig?.code == .invalidValue)
        let negative = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(UInt.self, from: self.encoder.encode(-1))
        }
        #expect(negative?.code == .invalidValue)
    }

    @Test func errorsCarryTheCodingPath() throws {
        let bytes = try self.encoder.encode(Team(members: [Member(name: "a"), Member(name: "b")]))
        let error = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(StrictTeam.self, from: bytes)
        }
        #expect(error?.code == .keyNotFound)
        #expect(error?.codingPath == "members[0].age")
        let mismatch = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(NumericTeam.self, from: bytes)
        }
        #expect(mismatch?.code == .typeMismatch)
        #expect(mismatch?.codingPath == "members[0].name")
        #expect(mismatch?.description.contains("members[0].name") == true)
        // Errors thrown by a value's own code keep their kind, and the original error.
        let custom = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(Shape.self, from: self.encoder.encode(["a": 1, "b": 2]))
        }
        #expect(custom?.code == .typeMismatch)
        #expect(custom?.underlyingError is DecodingError)
    }

    @Test func depthLimit() throws {
        let deep = DeepArray(depth: 100)
        let encodeError = #expect(throws: CompactCodingError.self) { try self.encoder.encode(deep) }
        #expect(encodeError?.code == .tooDeep)
        var deepEncoder = CompactEncoder()
        deepEncoder.maximumDepth = 200
        let bytes = try deepEncoder.encode(deep)
        let decodeError = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(DeepArray.self, from: bytes)
        }
        #expect(decodeError?.code == .tooDeep)
        let permissive = CompactDecoder(limits: .init(maximumDepth: 200))
        #expect(try permissive.decode(DeepArray.self, from: bytes) == deep)
        // Hand-made nesting far beyond the stack's reach: a clean error, not a crash.
        var hostile: [UInt8] = [0x00]
        for _ in 0..<3000 {
            var header: [UInt8] = [0x09]
            Self.appendVarint(UInt64(hostile.count), to: &header)
            header.append(0x01)
            hostile = header + hostile
        }
        let hostileError = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(DeepArray.self, from: hostile)
        }
        #expect(hostileError?.code == .tooDeep)
        let expressionError = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(Expression.self, from: hostile)
        }
        #expect(expressionError != nil)
    }

    @Test func hugeDeclaredLengthsThrowWithoutAllocating() throws {
        // 2^40-byte string, 2^62-byte byte array, with one byte of content.
        let hugeString: [UInt8] = [0x07, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x41]
        let stringError = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(String.self, from: hugeString)
        }
        #expect(stringError?.code == .truncated)
        let hugeBytes: [UInt8] = [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x3F, 0x00]
        #expect(throws: CompactCodingError.self) { try self.decoder.decode([UInt8].self, from: hugeBytes) }
        // An unkeyed container claiming a billion elements in three bytes.
        let hugeCount: [UInt8] = [0x09, 0x03, 0x80, 0x94, 0xEB, 0xDC, 0x03, 0x04, 0x02, 0x00]
        let countError = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode([Int].self, from: hugeCount)
        }
        #expect(countError?.code == .invalidValue)
        // Counts above the configured limit are refused up front.
        let list = try self.encoder.encode(Array(repeating: 0, count: 100))
        let limited = CompactDecoder(limits: .init(maximumCollectionCount: 10))
        let limitError = #expect(throws: CompactCodingError.self) { try limited.decode([Int].self, from: list) }
        #expect(limitError?.code == .tooLarge)
        // A keyed container longer than the input, and a varint too long for 64 bits.
        #expect(throws: CompactCodingError.self) {
            try self.decoder.decode([String: Int].self, from: [0x0A, 0xFF, 0xFF, 0x03, 0x02, 0x61])
        }
        let overflow: [UInt8] = [0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        let overflowError = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(UInt64.self, from: overflow)
        }
        #expect(overflowError?.code == .invalidValue)
    }

    @Test func malformedInputs() throws {
        let trailing = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(Int.self, from: [0x04, 0x02, 0x00])
        }
        #expect(trailing?.code == .trailingBytes)
        let empty = #expect(throws: CompactCodingError.self) { try self.decoder.decode(Int.self, from: []) }
        #expect(empty?.code == .truncated)
        let badUTF8 = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(String.self, from: [0x07, 0x02, 0xC3, 0x28])
        }
        #expect(badUTF8?.code == .invalidValue)
        let unknownTag = #expect(throws: CompactCodingError.self) {
            try self.decoder.decode(Point.self, from: [0x0A, 0x02, 0x02, 0x78, 0x7F])
        }
        #expect(unknownTag?.code == .truncated || unknownTag?.code == .invalidValue)
        #expect(throws: CompactCodingError.self) { try self.decoder.decode(Point.self, from: [0x0C]) }
    }

    @Test func encoderMisuseIsReported() throws {
        let error = #expect(throws: CompactCodingError.self) { try self.encoder.encode(WritesToClosedContainer()) }
        #expect(error?.code == .unsupported)
        let twoKinds = #expect(throws: CompactCodingError.self) { try self.encoder.encode(TwoContainerKinds()) }
        #expect(twoKinds?.code == .unsupported)
        let failing = #expect(throws: CompactCodingError.self) { try self.encoder.encode([Failing()]) }
        #expect(failing?.code == .customError)
        #expect(failing?.codingPath == "[0]")
    }

    @Test func errorsSwallowedByTheValueLeaveNoHalfEntry() throws {
        let bytes = try self.encoder.encode(SwallowsError())
        #expect(try self.decoder.decode(Point.self, from: bytes) == Point(x: 1, y: 2))
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
