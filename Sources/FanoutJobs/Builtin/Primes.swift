/// Counts the primes in `[lower, upper)` by trial division: deliberately CPU-bound, with cost growing with the
/// numbers, so ranges of equal width take unequal time and dynamic scheduling matters.
public enum Primes: Job {
    /// One task's input: a half-open range.
    public struct Input: Codable, Sendable, Equatable {
        /// First number tested.
        public var lower: UInt64
        /// One past the last number tested.
        public var upper: UInt64

        /// Creates an input.
        public init(lower: UInt64, upper: UInt64) {
            self.lower = lower
            self.upper = upper
        }
    }

    public static let name = "primes"

    public static func run(_ input: Input) throws -> UInt64 {
        guard input.lower <= input.upper else {
            throw JobFailure("primes: lower bound \(input.lower) is above upper bound \(input.upper)")
        }
        var count: UInt64 = 0
        var n = input.lower
        while n < input.upper {
            if Self.isPrime(n) { count += 1 }
            n += 1
        }
        return count
    }

    /// Trial division by 2, 3 and numbers of the form 6k ± 1.
    /// - Parameter n: The number to test.
    /// - Returns: Whether `n` is prime.
    public static func isPrime(_ n: UInt64) -> Bool {
        if n < 4 { return n >= 2 }
        if n % 2 == 0 || n % 3 == 0 { return false }
        var divisor: UInt64 = 5
        while divisor <= n / divisor {
            if n % divisor == 0 || n % (divisor + 2) == 0 { return false }
            divisor += 6
        }
        return true
    }
}
