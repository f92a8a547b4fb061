import Foundation
import Testing

/// Issue 12, finding 14 (ranges): every count and size option of `fanout run JOB` and `fanout bench` has a finite
/// range checked before anything starts; a value outside it exits 2 with a message naming the option. Before, some
/// values trapped the coordinator (`pi --samples 2⁶⁴−1 --tasks 2`: samples × tasks; `sum-squares --n 2⁶⁴−1`: the
/// closed formula's 2n − 1), others started runs that could never end or allocate what no machine has.
extension IntegrationSuite {
    /// Every count and size option, with the arguments that reach it.
    static let rangedOptions: [(command: [String], option: String)] = [
        (["run", "noop"], "--tasks"),
        (["run", "noop"], "--workers"),
        (["run", "primes"], "--tasks"),
        (["run", "primes"], "--limit"),
        (["run", "pi"], "--tasks"),
        (["run", "pi"], "--samples"),
        (["run", "sum-squares"], "--tasks"),
        (["run", "sum-squares"], "--n"),
        (["run", "sleep"], "--tasks"),
        (["run", "sleep"], "--milliseconds"),
        (["run", "mandelbrot"], "--width"),
        (["run", "mandelbrot"], "--height"),
        (["run", "mandelbrot"], "--max-iterations"),
        (["bench", "noop"], "--repeat"),
        (["bench", "noop"], "--warmup"),
        (["bench", "noop"], "--workers"),
        (["bench", "noop"], "--noop-tasks"),
        (["bench", "noop"], "--latency-samples"),
        (["bench", "noop"], "--sleep-tasks"),
        (["bench", "noop"], "--sleep-milliseconds"),
    ]

    @Test("inf, nan, 1e300, 1e16 and negative values of every count option exit 2 naming the option")
    func nonIntegerCountsExitTwo() throws {
        let fanout = try Self.product("fanout")
        let directory = try BoundedCommand.temporaryDirectory()
        for (command, option) in Self.rangedOptions {
            for value in ["inf", "nan", "1e300", "1e16", "-1", "-9223372036854775809", "99999999999999999999999"] {
                let output = try BoundedCommand.run(
                    fanout,
                    command + [option, value],
                    directory: directory,
                    timeout: .seconds(20)
                )
                #expect(output.status == 2, "\(command) \(option) \(value): \(output.standardError)")
                #expect(output.standardError.contains(option), "\(command) \(option) \(value): \(output.standardError)")
            }
        }
    }

    @Test(
        "counts past their range exit 2 with the option and its range, before any worker starts",
        arguments: [
            // samples × tasks overflowed: the coordinator trapped (status 132).
            (
                ["run", "pi", "--samples", "18446744073709551615", "--tasks", "2"],
                "--samples must be between 1 and 1000000000000, got 18446744073709551615"
            ),
            // 2n − 1 in the closed formula overflowed: the coordinator trapped.
            (
                ["run", "sum-squares", "--n", "18446744073709551615", "--tasks", "1"],
                "--n must be between 1 and 1000000000000, got 18446744073709551615"
            ),
            // The sequential baseline reserved room for Int.max outputs.
            (
                ["run", "noop", "--tasks", "9223372036854775807", "--speedup"],
                "--tasks must be between 1 and 100000000, got 9223372036854775807"
            ),
            (["run", "noop", "--tasks", "0"], "--tasks must be between 1 and 100000000, got 0"),
            (
                ["run", "primes", "--limit", "18446744073709551615", "--tasks", "1"],
                "--limit must be between 1 and 1000000000000, got 18446744073709551615"
            ),
            (["run", "primes", "--limit", "0"], "--limit must be between 1 and 1000000000000, got 0"),
            (["run", "pi", "--samples", "0"], "--samples must be between 1 and 1000000000000, got 0"),
            (
                ["run", "mandelbrot", "--width", "65536", "--height", "65536"],
                "--width × --height must be at most 268435456 pixels, got 4294967296"
            ),
            (
                ["run", "mandelbrot", "--max-iterations", "9223372036854775807"],
                "--max-iterations must be between 1 and 1000000000, got 9223372036854775807"
            ),
            (["run", "mandelbrot", "--width", "0"], "--width must be between 1 and 65536, got 0"),
            (
                ["run", "sleep", "--milliseconds", "4294967295"],
                "--milliseconds must be between 0 and 3600000, got 4294967295"
            ),
            (
                ["run", "noop", "--workers", "10000000000000000"],
                "--workers must be between 0 and 4096, got 10000000000000000"
            ),
            (["bench", "noop", "--repeat", "0"], "--repeat must be between 1 and 1000, got 0"),
            (["bench", "noop", "--workers", "0"], "--workers must be between 1 and 4096, got 0"),
            (
                ["bench", "noop", "--noop-tasks", "10000000000000000"],
                "--noop-tasks must be between 1 and 100000000, got 10000000000000000"
            ),
            (["bench", "noop", "--latency-samples", "0"], "--latency-samples must be between 1 and 1000000, got 0"),
            (
                ["bench", "noop", "--sleep-tasks", "10000000000000000"],
                "--sleep-tasks must be between 1 and 100000, got 10000000000000000"
            ),
            (
                ["bench", "noop", "--sleep-milliseconds", "4000000", "--lessons"],
                "--sleep-milliseconds must be between 0 and 3600000, got 4000000"
            ),
            (
                ["bench", "pi", "--", "--samples", "18446744073709551615", "--tasks", "2"],
                "--samples must be between 1 and 1000000000000, got 18446744073709551615"
            ),
        ] as [([String], String)]
    )
    func outOfRangeCountsExitTwo(arguments: [String], message: String) throws {
        let output = try BoundedCommand.run(
            try Self.product("fanout"),
            arguments,
            directory: try BoundedCommand.temporaryDirectory(),
            timeout: .seconds(20)
        )
        #expect(!output.timedOut, "\(arguments) started a run instead of refusing the value")
        #expect(output.status == 2, "\(arguments): status \(output.status): \(output.standardError)")
        #expect(output.standardError.contains(message), "\(arguments): \(output.standardError)")
        #expect(!output.standardError.contains("Backtracing"), "\(arguments) trapped: \(output.standardError)")
    }

    @Test("the largest values in range still run")
    func largestValuesInRangeRun() throws {
        let fanout = try Self.product("fanout")
        let directory = try BoundedCommand.temporaryDirectory()
        // sum-squares at the largest n only builds the expected value here: the closed formula no longer traps.
        let pi = try BoundedCommand.run(
            fanout,
            ["run", "pi", "--samples", "1000", "--tasks", "3", "--workers", "1", "--summary-only"],
            directory: directory
        )
        #expect(pi.status == 0, "\(pi.standardError)")
        #expect(pi.standardOutput.contains("from 3000 points"), "\(pi.standardOutput)")
        let image = directory + "/m.pgm"
        let mandelbrot = try BoundedCommand.run(
            fanout,
            [
                "run", "mandelbrot", "--width", "65536", "--height", "2", "--max-iterations", "1", "--workers", "1",
                "--summary-only", "--output", image,
            ],
            directory: directory
        )
        #expect(mandelbrot.status == 0, "\(mandelbrot.standardError)")
        let attributes = try FileManager.default.attributesOfItem(atPath: image)
        #expect((attributes[.size] as? NSNumber)?.intValue == 65536 * 2 + "P5\n65536 2\n255\n".utf8.count)
    }
}
