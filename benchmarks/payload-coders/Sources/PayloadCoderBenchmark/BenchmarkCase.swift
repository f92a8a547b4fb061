/// One timed thing: encoding or decoding one shape with one coder.
struct BenchmarkCase: Sendable {
    enum Operation: String, Sendable {
        case encode
        case decode
    }

    var shape: String
    var coder: Coder
    var operation: Operation
    /// The payload's size with this coder.
    var byteCount: Int
    /// Runs the operation the given number of times.
    var run: @Sendable (Int) throws -> Void

    /// The encode and decode cases of `value` with `coder`, after checking that the value survives a round trip.
    static func pair<Value: Codable & Equatable & Sendable>(
        shape: String,
        value: Value,
        coder: Coder
    ) throws -> [BenchmarkCase] {
        let bytes = try coder.encode(value)
        guard try coder.decode(Value.self, from: bytes) == value else {
            throw BenchmarkError("\(coder.rawValue) does not round-trip \(shape)")
        }
        let encode = BenchmarkCase(shape: shape, coder: coder, operation: .encode, byteCount: bytes.count) {
            iterations in
            for _ in 0..<iterations {
                consume(try coder.encode(value))
            }
        }
        let decode = BenchmarkCase(shape: shape, coder: coder, operation: .decode, byteCount: bytes.count) {
            iterations in
            for _ in 0..<iterations {
                consume(try coder.decode(Value.self, from: bytes))
            }
        }
        return [encode, decode]
    }
}
