import FanoutCompactCoder

// Fixture types for the compact coder tests: synthesized Codable of every shape, and hand-written implementations
// that exercise the corners of the Encoder/Decoder API. Nested in the suite so their short names cannot clash with
// other test files of the module.

extension CompactCoderTests {
    struct Point: Codable, Equatable {
        var x: Int
        var y: Int
    }

    enum Color: String, Codable {
        case red, green
    }

    enum Level: Int, Codable {
        case low = 1
        case high = 2
    }

    enum Plain: Codable {
        case first, second
    }

    enum Shape: Codable, Equatable {
        case circle(radius: Double)
        case rectangle(Double, Double)
        case empty
        case labelled(name: String, tags: [String])
    }

    indirect enum Expression: Codable, Equatable {
        case number(Int)
        case add(Expression, Expression)
        case negate(Expression)
    }

    struct AllIntegers: Codable, Equatable {
        var int: Int
        var int8: Int8
        var int16: Int16
        var int32: Int32
        var int64: Int64
        var int128: Int128
        var uint: UInt
        var uint8: UInt8
        var uint16: UInt16
        var uint32: UInt32
        var uint64: UInt64
        var uint128: UInt128

        static var sample: AllIntegers {
            AllIntegers(
                int: .min,
                int8: .min,
                int16: .max,
                int32: -7,
                int64: .max,
                int128: .min,
                uint: .max,
                uint8: 200,
                uint16: .max,
                uint32: 1 << 31,
                uint64: .max,
                uint128: .max
            )
        }
    }

    struct Blob: Codable, Equatable {
        var name: String
        var data: [UInt8]
        var chunks: [[UInt8]]
    }

    struct Everything: Codable, Equatable {
        var id: UInt64
        var count: Int
        var small: Int8
        var ratio: Double
        var ratio32: Float
        var flag: Bool
        var name: String
        var payload: [UInt8]
        var optionalName: String?
        var optionalList: [Int]?
        var matrix: [[Int]]
        var tags: [String: Int]
        var byNumber: [Int: String]
        var shapes: [Shape]
        var color: Color
        var point: Point
        var nestedOptional: Int??

        static var sample: Everything {
            Everything(
                id: 12_345_678_901,
                count: -42,
                small: -8,
                ratio: 0.125,
                ratio32: 2.5,
                flag: true,
                name: "naïve",
                payload: [0, 1, 255],
                optionalName: "opt",
                optionalList: [1, 2],
                matrix: [[1], [], [2, 3]],
                tags: ["a": 1],
                byNumber: [3: "three"],
                shapes: [.circle(radius: 1), .empty],
                color: .green,
                point: Point(x: 5, y: -5),
                nestedOptional: .some(nil)
            )
        }
    }

    final class ClassNode: Codable {
        let value: Int
        let next: ClassNode?

        init(value: Int, next: ClassNode?) {
            self.value = value
            self.next = next
        }
    }

    struct Optionals: Codable, Equatable {
        var plain: Int?
        var nested: Int??
        var list: [Int?]
    }

    struct Empty: Codable, Equatable {}

    /// Encodes nothing at all and reads nothing back.
    struct EncodesNothing: Codable, Equatable {
        init() {}
        init(from decoder: any Decoder) throws {}
        func encode(to encoder: any Encoder) throws {}
    }

    /// Decodes its keys in a different order than it encodes them, and probes with `contains` and `decodeNil`.
    struct OutOfOrder: Codable, Equatable {
        var a: Int
        var b: String
        var c: [Int]
        var d: Bool?

        enum CodingKeys: String, CodingKey {
            case a, b, c, d, neverWritten
        }

        init(a: Int, b: String, c: [Int], d: Bool?) {
            self.a = a
            self.b = b
            self.c = c
            self.d = d
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.a, forKey: .a)
            try container.encode(self.b, forKey: .b)
            try container.encode(self.c, forKey: .c)
            if let d = self.d {
                try container.encode(d, forKey: .d)
            } else {
                try container.encodeNil(forKey: .d)
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard !container.contains(.neverWritten), container.contains(.a), container.allKeys.count == 4 else {
                throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription: "keys"))
            }
            self.c = try container.decode([Int].self, forKey: .c)
            self.d = try container.decodeNil(forKey: .d) ? nil : try container.decode(Bool.self, forKey: .d)
            self.b = try container.decode(String.self, forKey: .b)
            self.a = try container.decode(Int.self, forKey: .a)
        }
    }

    /// Reads an unkeyed container to its end, row by row, through nested unkeyed containers.
    struct Matrix: Codable, Equatable {
        var rows: [[Int]]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            for row in self.rows {
                var nested = container.nestedUnkeyedContainer()
                for value in row {
                    try nested.encode(value)
                }
            }
        }

        init(rows: [[Int]]) {
            self.rows = rows
        }

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            self.rows = []
            while !container.isAtEnd {
                var nested = try container.nestedUnkeyedContainer()
                var row: [Int] = []
                while !nested.isAtEnd {
                    row.append(try nested.decode(Int.self))
                }
                self.rows.append(row)
            }
        }
    }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            nil
        }
    }

    /// A nested keyed container with dynamic keys, and an explicit nil.
    struct Envelope: Codable, Equatable {
        var id: UInt64
        var meta: [String: String]
        var note: String?

        enum CodingKeys: String, CodingKey {
            case id, meta, note
        }

        init(id: UInt64, meta: [String: String], note: String?) {
            self.id = id
            self.meta = meta
            self.note = note
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            var meta = container.nestedContainer(keyedBy: DynamicKey.self, forKey: .meta)
            for (key, value) in self.meta.sorted(by: { $0.key < $1.key }) {
                try meta.encode(value, forKey: DynamicKey(stringValue: key))
            }
            if let note = self.note {
                try container.encode(note, forKey: .note)
            } else {
                try container.encodeNil(forKey: .note)
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.note = try container.decodeNil(forKey: .note) ? nil : try container.decode(String.self, forKey: .note)
            let meta = try container.nestedContainer(keyedBy: DynamicKey.self, forKey: .meta)
            self.meta = [:]
            for key in meta.allKeys {
                self.meta[key.stringValue] = try meta.decode(String.self, forKey: key)
            }
            self.id = try container.decode(UInt64.self, forKey: .id)
        }
    }

    class Animal: Codable {
        var name: String

        private enum CodingKeys: String, CodingKey {
            case name
        }

        init(name: String) {
            self.name = name
        }

        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.name, forKey: .name)
        }
    }

    /// Keeps its superclass in a `super` entry (`superEncoder()` / `superDecoder()`).
    final class Dog: Animal {
        var breed: String

        private enum CodingKeys: String, CodingKey {
            case breed
        }

        init(name: String, breed: String) {
            self.breed = breed
            super.init(name: name)
        }

        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.breed = try container.decode(String.self, forKey: .breed)
            try super.init(from: container.superDecoder())
        }

        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.breed, forKey: .breed)
            try super.encode(to: container.superEncoder())
        }
    }

    /// Shares one keyed container with its superclass by passing the same encoder and decoder up.
    final class Cat: Animal {
        var lives: Int

        private enum CodingKeys: String, CodingKey {
            case lives
        }

        init(name: String, lives: Int) {
            self.lives = lives
            super.init(name: name)
        }

        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.lives = try container.decode(Int.self, forKey: .lives)
            try super.init(from: decoder)
        }

        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.lives, forKey: .lives)
            try super.encode(to: encoder)
        }
    }

    /// Uses `superEncoder()` / `superDecoder()` of an unkeyed container.
    struct SuperInUnkeyed: Codable, Equatable {
        var head: Int
        var rest: String

        init(head: Int, rest: String) {
            self.head = head
            self.rest = rest
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(self.head)
            try self.rest.encode(to: container.superEncoder())
        }

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            self.head = try container.decode(Int.self)
            self.rest = try String(from: container.superDecoder())
            guard container.isAtEnd else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "extra elements"))
            }
        }
    }

    /// Nested arrays as deep as asked, to test the depth limits.
    struct DeepArray: Codable, Equatable {
        var children: [DeepArray]

        init(depth: Int) {
            self.children = depth == 0 ? [] : [DeepArray(depth: depth - 1)]
        }

        init(from decoder: any Decoder) throws {
            self.children = try [DeepArray](from: decoder)
        }

        func encode(to encoder: any Encoder) throws {
            try self.children.encode(to: encoder)
        }
    }

    struct FixtureError: Error {}

    /// Writes part of itself, then throws.
    struct Failing: Codable {
        enum CodingKeys: String, CodingKey {
            case a
        }

        init() {}

        init(from decoder: any Decoder) throws {
            throw FixtureError()
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(5, forKey: .a)
            throw FixtureError()
        }
    }

    /// Catches the error of one entry and writes the key again; no trace of the failed entry may remain.
    struct SwallowsError: Encodable {
        enum CodingKeys: String, CodingKey {
            case x, y
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(1, forKey: .x)
            try? container.encode(Failing(), forKey: .y)
            try container.encode(2, forKey: .y)
        }
    }

    /// Writes to a container after a container opened later was written to: not representable in one pass.
    struct WritesToClosedContainer: Encodable {
        enum CodingKeys: String, CodingKey {
            case a, b
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            var nested = container.nestedUnkeyedContainer(forKey: .a)
            try container.encode(1, forKey: .b)
            try nested.encode(2)
        }
    }

    /// Asks one encoder for a keyed and then an unkeyed container.
    struct TwoContainerKinds: Encodable {
        enum CodingKeys: String, CodingKey {
            case a
        }

        func encode(to encoder: any Encoder) throws {
            var keyed = encoder.container(keyedBy: CodingKeys.self)
            try keyed.encode(1, forKey: .a)
            var unkeyed = encoder.unkeyedContainer()
            try unkeyed.encode(2)
        }
    }

    struct Member: Codable {
        var name: String
    }

    struct Team: Codable {
        var members: [Member]
    }

    struct StrictMember: Codable {
        var name: String
        var age: Int
    }

    struct StrictTeam: Codable {
        var members: [StrictMember]
    }

    struct NumericMember: Codable {
        var name: Int
    }

    struct NumericTeam: Codable {
        var members: [NumericMember]
    }
}
