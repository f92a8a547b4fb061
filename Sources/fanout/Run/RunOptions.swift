import ArgumentParser

/// Options every `fanout run JOB` shares.
struct RunOptions: ParsableArguments {
    /// Output formats for per-task results.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, jsonl, csv
    }

    @Option(
        name: .long,
        help: "The cluster configuration file (default: ./cluster.yaml if present, else local cores only)."
    )
    var cluster: String?

    @Option(name: .long, help: "Local worker processes (overrides local.workers in the cluster file).")
    var workers: Int?

    @Option(name: .long, help: "Per-task output: table, jsonl (one JSON object per task) or csv.")
    var format: Format = .table

    @Flag(name: .long, help: "Print results in input order instead of completion order.")
    var ordered = false

    @Flag(name: .long, help: "Print only the summary, not one line per task.")
    var summaryOnly = false

    @Flag(
        name: .long,
        help:
            "First run every task sequentially in this process, then on the cluster; print both times and the speedup."
    )
    var speedup = false

    @Flag(
        name: .long,
        help: "Hand out the first task only when every worker has started (or failed to), so all take part."
    )
    var waitForWorkers = false

    @Flag(name: .long, help: "Log worker arrivals and departures.")
    var verbose = false

    func validate() throws {
        if let workers, workers < 0 || workers > 4096 {
            throw ValidationError("--workers must be between 0 and 4096, got \(workers)")
        }
    }
}
