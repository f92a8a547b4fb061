/// The classic `cpu_heavy(n)`: the sum of `i * i` for `i` in `0..<n`, wrapping at 2⁶⁴.
///
/// LLVM folds a plain sum-of-squares loop into a closed formula, which would make the benchmark measure nothing.
/// Each term here is `(i ^ mask)²` with `mask` read from the input: XOR with a value unknown at compile time is not
/// an affine recurrence, so the loop has to run. With `mask == 0`, the default, the result is the classic sum.
public enum SumSquares: Job {
    /// One task's input.
    public struct Input: Codable, Sendable, Equatable {
        /// How many terms to add.
        public var n: UInt64
        /// XORed into each `i` before squaring; 0 gives the classic sum.
        public var mask: UInt64

        /// Creates an input.
        public init(n: UInt64, mask: UInt64 = 0) {
            self.n = n
            self.mask = mask
        }
    }

    public static let name = "sum-squares"

    public static func run(_ input: Input) throws -> UInt64 {
        var sum: UInt64 = 0
        var i: UInt64 = 0
        let mask = input.mask
        while i < input.n {
            let x = i ^ mask
            sum &+= x &* x
            i &+= 1
        }
        return sum
    }
}
