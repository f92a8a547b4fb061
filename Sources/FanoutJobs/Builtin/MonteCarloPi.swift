/// Estimates π by throwing seeded random points at the unit square and counting those inside the quarter circle.
///
/// Each task has its own seed, so a run is reproducible to the last point whatever worker runs which task.
public enum MonteCarloPi: Job {
    /// One task's input.
    public struct Input: Codable, Sendable, Equatable {
        /// Seed of this task's generator.
        public var seed: UInt64
        /// Points to throw.
        public var samples: UInt64

        /// Creates an input.
        public init(seed: UInt64, samples: UInt64) {
            self.seed = seed
            self.samples = samples
        }
    }

    public static let name = "pi"

    /// Returns how many of the points fell inside the quarter circle.
    public static func run(_ input: Input) throws -> UInt64 {
        var generator = SplitMix64(seed: input.seed)
        var inside: UInt64 = 0
        var remaining = input.samples
        while remaining > 0 {
            let x = generator.nextUnitDouble()
            let y = generator.nextUnitDouble()
            if x * x + y * y < 1 { inside += 1 }
            remaining -= 1
        }
        return inside
    }

    /// The estimate 4 · inside ÷ samples.
    public static func estimate(inside: UInt64, samples: UInt64) -> Double {
        samples == 0 ? 0 : 4 * Double(inside) / Double(samples)
    }
}
