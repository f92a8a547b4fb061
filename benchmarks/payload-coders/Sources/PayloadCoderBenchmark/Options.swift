/// The command line: `PayloadCoderBenchmark [--rounds N] [--batch-milliseconds M] [--format markdown|jsonl]`.
struct Options: Sendable {
    enum Format: String, Sendable {
        case markdown
        case jsonl
    }

    /// How many times every case is timed; each round runs every case once, in a new random order, so drift in a
    /// shared machine's speed spreads over all cases instead of favouring the ones timed first.
    var rounds = 21
    /// How long one timed batch of a case runs; calibrated per case before the rounds.
    var batchMilliseconds = 10
    var format = Format.markdown

    init(_ arguments: some Sequence<String>) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            func value() throws -> String {
                guard let value = iterator.next() else { throw BenchmarkError("\(argument) needs a value") }
                return value
            }
            switch argument {
            case "--rounds":
                guard let rounds = Int(try value()), (1...1_000).contains(rounds) else {
                    throw BenchmarkError("--rounds takes 1...1000")
                }
                self.rounds = rounds
            case "--batch-milliseconds":
                guard let milliseconds = Int(try value()), (1...10_000).contains(milliseconds) else {
                    throw BenchmarkError("--batch-milliseconds takes 1...10000")
                }
                self.batchMilliseconds = milliseconds
            case "--format":
                guard let format = Format(rawValue: try value()) else {
                    throw BenchmarkError("--format takes markdown or jsonl")
                }
                self.format = format
            default:
                throw BenchmarkError(
                    "usage: PayloadCoderBenchmark [--rounds N] [--batch-milliseconds M] [--format markdown|jsonl]"
                )
            }
        }
    }
}
