// A user-defined job run through the library API: for 1 to 2,000,000, the start of the longest Collatz sequence.
//
// The program is both the coordinator and its own worker: the coordinator starts copies of this executable with
// `--fanout-worker`, and `WorkerCommandLine.runIfRequested` turns those copies into workers that know `Collatz`.
// The article "Running your own jobs" in FanoutCoordinator's documentation catalog
// (Sources/FanoutCoordinator/FanoutCoordinator.docc) walks through this file.
//
//     swift run UserDefinedJob            # 2 local workers, 20 ranges of 100,000 numbers
import FanoutCoordinator
import FanoutJobs
import FanoutWorker

/// For a range of starting numbers, the one whose Collatz sequence is longest.
///
/// One task is one range: inputs describe the work rather than carry it, so they stay small on the wire.
struct Collatz: Job {
    /// A task's input: the starting numbers `lower..<upper`.
    struct Range: Codable, Sendable {
        var lower: UInt64
        var upper: UInt64
    }

    /// A task's output: the start whose sequence takes the most steps to reach 1, and how many.
    struct Longest: Codable, Sendable {
        var start: UInt64
        var steps: Int
    }

    /// Identifies the job on the wire: coordinator and workers find it by this name in their registries.
    static let name = "collatz"

    /// Runs on a worker's slot thread (never the cooperative pool), so it may compute as long as it needs.
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

// The same registry on both sides: a worker refuses a job it does not know.
let registry = JobRegistry.builtin.adding([Collatz.self])
// First thing: a copy started with `--fanout-worker` runs as a worker inside this call and exits there.
await WorkerCommandLine.runIfRequested(registry: registry)

let options = ClusterOptions(registry: registry, workerExecutable: .currentProcessEmbedded, localWorkers: 2)
let ranges = (0..<20).map { Collatz.Range(lower: 1 + UInt64($0) * 100_000, upper: 1 + UInt64($0 + 1) * 100_000) }
// Every worker is stopped when the closure ends; a failed task ends it here through `outcome.get()`.
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
