import FanoutJobs
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The built-in kernels against closed formulas, known tables and independent reference implementations.
@Suite("Built-in jobs")
struct BuiltinJobTests {
    // MARK: sum-squares

    /// Σ i² for i in 0..<n = n(n-1)(2n-1)/6, computed exactly in 128 bits and then wrapped to 64 like the kernel.
    static func sumOfSquaresFormula(_ n: UInt64) -> UInt64 {
        guard n > 0 else { return 0 }
        let wide = UInt128(n)
        return UInt64(truncatingIfNeeded: wide * (wide - 1) * (2 * wide - 1) / 6)
    }

    @Test(arguments: [0, 1, 2, 3, 10, 1_000, 1_000_000] as [UInt64])
    func sumSquaresMatchesTheClosedFormula(n: UInt64) throws {
        #expect(try SumSquares.run(SumSquares.Input(n: n)) == Self.sumOfSquaresFormula(n))
    }

    @Test func sumSquaresKnownValues() throws {
        #expect(try SumSquares.run(SumSquares.Input(n: 10)) == 285)
        #expect(try SumSquares.run(SumSquares.Input(n: 1_000_000)) == 333_332_833_333_500_000)
    }

    @Test func sumSquaresWrapsAtTwoToTheSixtyFour() throws {
        // Above about 3.8 million terms the exact sum no longer fits in 64 bits.
        let n: UInt64 = 4_000_000
        let exact = UInt128(n) * UInt128(n - 1) * UInt128(2 * n - 1) / 6
        #expect(exact > UInt128(UInt64.max))
        #expect(try SumSquares.run(SumSquares.Input(n: n)) == UInt64(truncatingIfNeeded: exact))
    }

    @Test(arguments: [1, 0x5A5A, 0xFFFF_FFFF_FFFF_FFFF] as [UInt64])
    func sumSquaresWithMaskMatchesANaiveLoop(mask: UInt64) throws {
        // Odd n: with an even count a mask of 1 only swaps neighbours and leaves the sum unchanged.
        let n: UInt64 = 5_001
        var expected: UInt64 = 0
        for i in 0..<n {
            let term = i ^ mask
            expected = expected &+ term &* term
        }
        #expect(try SumSquares.run(SumSquares.Input(n: n, mask: mask)) == expected)
        #expect(try SumSquares.run(SumSquares.Input(n: n, mask: mask)) != Self.sumOfSquaresFormula(n))
    }

    @Test func sumSquaresWithHighMaskMatchesShiftedFormula() throws {
        // With every mask bit above the bits of i, i ^ m == i + m, so Σ (i + m)² = Σ i² + 2m Σ i + n m².
        let n: UInt64 = 1_000
        let mask: UInt64 = 1 << 20
        let expected = Self.sumOfSquaresFormula(n) + 2 * mask * (n * (n - 1) / 2) + n * mask * mask
        #expect(try SumSquares.run(SumSquares.Input(n: n, mask: mask)) == expected)
    }

    // MARK: primes

    @Test(
        arguments: [
            (10, 4), (100, 25), (10_000, 1_229), (1_000_000, 78_498),
        ] as [(UInt64, UInt64)]
    )
    func primeCountsMatchKnownValues(upper: UInt64, count: UInt64) throws {
        #expect(try Primes.run(Primes.Input(lower: 0, upper: upper)) == count)
    }

    @Test func primeCountsOfAdjacentRangesAddUp() throws {
        let bounds: [UInt64] = [0, 1, 2, 3, 97, 1_000, 5_003, 10_000]
        var total: UInt64 = 0
        for (lower, upper) in zip(bounds, bounds.dropFirst()) {
            total += try Primes.run(Primes.Input(lower: lower, upper: upper))
        }
        #expect(total == 1_229)
        #expect(try Primes.run(Primes.Input(lower: 97, upper: 98)) == 1)  // the lower bound is included
        #expect(try Primes.run(Primes.Input(lower: 96, upper: 97)) == 0)  // the upper bound is not
        #expect(try Primes.run(Primes.Input(lower: 50, upper: 50)) == 0)
    }

    @Test func isPrimeOnSmallValues() {
        let primes: [UInt64] = [2, 3, 5, 7, 11, 13, 7_919, 1_000_000_007, 4_294_967_291]
        let composites: [UInt64] = [0, 1, 4, 6, 9, 25, 35, 49, 121, 143, 169, 7_917, 1_000_000_007 * 3, 4_294_967_297]
        for n in primes {
            #expect(Primes.isPrime(n), "\(n)")
        }
        for n in composites {
            #expect(!Primes.isPrime(n), "\(n)")
        }
    }

    @Test func isPrimeAgreesWithASieve() {
        let limit = 20_000
        var sieve = [Bool](repeating: true, count: limit)
        sieve[0] = false
        sieve[1] = false
        for p in 2..<limit where sieve[p] && p * p < limit {
            for multiple in stride(from: p * p, to: limit, by: p) {
                sieve[multiple] = false
            }
        }
        let mismatches = (0..<limit).filter { Primes.isPrime(UInt64($0)) != sieve[$0] }
        #expect(mismatches.isEmpty)
    }

    @Test func primesRejectsAnInvertedRange() {
        #expect(throws: JobFailure.self) {
            try Primes.run(Primes.Input(lower: 10, upper: 9))
        }
    }

    // MARK: pi

    @Test func monteCarloPiIsDeterministicForASeed() throws {
        let input = MonteCarloPi.Input(seed: 2_024, samples: 10_000)
        let first = try MonteCarloPi.run(input)
        #expect(try MonteCarloPi.run(input) == first)
        #expect(try MonteCarloPi.run(MonteCarloPi.Input(seed: 2_025, samples: 10_000)) != first)
        #expect(try MonteCarloPi.run(MonteCarloPi.Input(seed: 2_024, samples: 0)) == 0)
    }

    @Test func monteCarloPiEstimateIsCloseToPi() throws {
        let samples: UInt64 = 1_000_000
        let inside = try MonteCarloPi.run(MonteCarloPi.Input(seed: 7, samples: samples))
        #expect(inside <= samples)
        let estimate = MonteCarloPi.estimate(inside: inside, samples: samples)
        #expect(abs(estimate - Double.pi) < 0.01, "estimate \(estimate)")
        #expect(estimate == 4 * Double(inside) / Double(samples))
        #expect(MonteCarloPi.estimate(inside: 0, samples: 0) == 0)
    }

    // MARK: mandelbrot

    @Test func mandelbrotPixelInsideTheSetIsBlack() throws {
        // Odd height: the middle row lies on the real axis. Real part -0.5 is deep inside the main cardioid.
        let width = 701
        let height = 401
        let row = try Mandelbrot.run(
            Mandelbrot.Input(row: height / 2, width: width, height: height, maximumIterations: 200)
        )
        #expect(row.row == height / 2)
        #expect(row.pixels.count == width)
        // real = -2.5 + 3.5 (column + 0.5) / width  ⇒  column ≈ (2 / 3.5) width - 0.5.
        let column = Int((2.0 / 3.5 * Double(width) - 0.5).rounded())
        let real = -2.5 + 3.5 * (Double(column) + 0.5) / Double(width)
        #expect(abs(real + 0.5) < 0.01)
        #expect(row.pixels[column] == 0)
    }

    @Test func mandelbrotCornerPixelEscapes() throws {
        let row = try Mandelbrot.run(Mandelbrot.Input(row: 0, width: 64, height: 48, maximumIterations: 100))
        #expect(row.pixels[0] != 0)
        #expect(row.pixels[63] != 0)
        // A whole row at the top edge is outside the set.
        #expect(!row.pixels.contains(0))
    }

    @Test func mandelbrotEscapeIterations() {
        #expect(Mandelbrot.escapeIterations(real: 0, imaginary: 0, limit: 50) == 50)
        #expect(Mandelbrot.escapeIterations(real: -1, imaginary: 0, limit: 50) == 50)
        #expect(Mandelbrot.escapeIterations(real: 2, imaginary: 2, limit: 50) == 1)
        #expect(Mandelbrot.escapeIterations(real: 0.3, imaginary: 0.6, limit: 1_000) < 1_000)
    }

    @Test(
        arguments: [
            Mandelbrot.Input(row: 0, width: 0, height: 10, maximumIterations: 10),
            Mandelbrot.Input(row: 0, width: 10, height: 0, maximumIterations: 10),
            Mandelbrot.Input(row: 0, width: -1, height: 10, maximumIterations: 10),
            Mandelbrot.Input(row: 10, width: 10, height: 10, maximumIterations: 10),
            Mandelbrot.Input(row: -1, width: 10, height: 10, maximumIterations: 10),
            Mandelbrot.Input(row: 0, width: 10, height: 10, maximumIterations: 0),
            Mandelbrot.Input(row: 0, width: (1 << 16) + 1, height: 10, maximumIterations: 10),
            Mandelbrot.Input(row: 0, width: 10, height: (1 << 16) + 1, maximumIterations: 10),
        ]
    )
    func mandelbrotRejectsBadGeometry(_ input: Mandelbrot.Input) {
        #expect(throws: JobFailure.self) { try Mandelbrot.run(input) }
    }

    @Test func portableGraymapHasHeaderAndPixelsInRowOrder() {
        let rows = [
            Mandelbrot.Row(row: 1, pixels: [4, 5, 6]),
            Mandelbrot.Row(row: 0, pixels: [1, 2, 3]),
        ]
        let image = Mandelbrot.portableGraymap(rows: rows, width: 3, height: 2)
        let header = Array("P5\n3 2\n255\n".utf8)
        #expect(image.count == header.count + 6)
        #expect(Array(image.prefix(header.count)) == header)
        #expect(Array(image.dropFirst(header.count)) == [1, 2, 3, 4, 5, 6])
    }

    @Test func portableGraymapLeavesMissingAndMisshapenRowsBlack() {
        let rows = [
            Mandelbrot.Row(row: 0, pixels: [9, 9]),  // wrong width
            Mandelbrot.Row(row: 5, pixels: [9, 9, 9]),  // outside the image
            Mandelbrot.Row(row: 2, pixels: [7, 8, 9]),
        ]
        let image = Mandelbrot.portableGraymap(rows: rows, width: 3, height: 3)
        let header = Array("P5\n3 3\n255\n".utf8)
        #expect(image.count == header.count + 9)
        #expect(Array(image.dropFirst(header.count)) == [0, 0, 0, 0, 0, 0, 7, 8, 9])
    }

    // MARK: sleep and noop

    /// CPU time of the calling thread. Thread, not process, time: other tests run in parallel on other threads.
    static func threadCPUTime() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec))
    }

    @Test func sleepWaitsWithoutBurningCPU() throws {
        let clock = ContinuousClock()
        let cpuBefore = Self.threadCPUTime()
        let start = clock.now
        let slept = try Sleep.run(20)
        let elapsed = clock.now - start
        let cpu = Self.threadCPUTime() - cpuBefore
        #expect(slept == 20)
        #expect(elapsed >= .milliseconds(20))
        #expect(cpu < .milliseconds(10), "CPU time \(cpu)")
    }

    @Test func sleepRefusesMoreThanAnHour() throws {
        #expect(throws: JobFailure.self) { try Sleep.run(3_600_001) }
        #expect(try Sleep.run(0) == 0)
    }

    @Test(arguments: [0, 1, 42, .max] as [UInt64])
    func noopEchoesItsInput(_ value: UInt64) throws {
        #expect(try Noop.run(value) == value)
    }

    // MARK: SplitMix64

    @Test func splitMixMatchesTheReferenceSequence() {
        // First outputs of the reference C implementation seeded with 1234567.
        var generator = SplitMix64(seed: 1_234_567)
        #expect(generator.next() == 6_457_827_717_110_365_317)
        #expect(generator.next() == 3_203_168_211_198_807_973)
        var unit = SplitMix64(seed: 0)
        for _ in 0..<1_000 {
            let value = unit.nextUnitDouble()
            #expect(value >= 0 && value < 1)
        }
    }
}

@Suite struct SpinJobTests {
    @Test func spinsForAtLeastItsTimeAndReadsTheClock() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let reads = try Spin.run(2_000)
        #expect(clock.now - start >= .microseconds(2_000))
        #expect(reads > 1)
        #expect(try Spin.run(0) == 1)
        #expect(throws: JobFailure.self) { try Spin.run(4_000_000_000) }
    }
}
