// A user-defined job run through the library API.
//
// The program is both the coordinator and its own worker: the coordinator starts copies of this executable with
// `--fanout-worker`, and `WorkerCommandLine.runIfRequested` turns those copies into workers that know `Collatz`.
//
//     swift run UserDefinedJob            # 2 local workers, ranges of 100,000 numbers
import FanoutCoordinator
import FanoutJobs
import FanoutWorker

/// For a range of starting numbers, the one whose Collatz sequence is longest.
struct Collatz: Job {
    struct Range: Codable, Sendable {
        var lower: UInt64
        var upper: UInt64
    }

    struct Longest: Codable, Sendable {
        var start: UInt64
        var steps: Int
    }

    static let name = "collatz"

    static func run(_ range: Range) throws -> Longest {
        var best = Longest(start: range.lower, steps: -1)
        for start in range.lower..<range.upper {
            var value = start
            var steps = 0
            while value > 1 {
                value = value % 2 == 0 ? value / 2 : 3 * value + 1
                steps += 1
            }
            if steps > best.steps { best = Longest(start: start, steps: steps) }
        }
        return best
    }
}

let registry = JobRegistry.builtin.adding([Collatz.self])
await WorkerCommandLine.runIfRequested(registry: registry)

let options = ClusterOptions(registry: registry, workerExecutable: .currentProcessEmbedded, localWorkers: 2)
let ranges = (0..<20).map { Collatz.Range(lower: 1 + UInt64($0) * 100_000, upper: 1 + UInt64($0 + 1) * 100_000) }
let best = try await Cluster.withCluster(options) { cluster in
    var best = Collatz.Longest(start: 0, steps: -1)
    for try await result in cluster.map(Collatz.self, ranges) {
        let longest = try result.outcome.get()
        print("range \(result.index) on \(result.workerID): \(longest.start) takes \(longest.steps) steps")
        if longest.steps > best.steps { best = longest }
    }
    return best
}
print("below 2,000,001 the longest Collatz sequence starts at \(best.start): \(best.steps) steps")
