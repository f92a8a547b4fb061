import FanoutJobs

/// A built-in job together with how the CLI makes its inputs, shows its outputs and sums them up.
protocol Workload: Sendable {
    associatedtype J: Job where J.Output: Equatable

    /// How many tasks the options describe.
    var taskCount: Int { get }

    /// The options that fix the inputs, as the user would type them (`--limit 5000000 --tasks 100`); a journal is
    /// resumed only by a run with the same parameters.
    var parameters: String { get }

    /// The input of task `index`, made on demand so inputs need not be held in memory.
    func input(at index: Int) -> J.Input

    /// A short text for one output in the table.
    func describe(_ output: J.Output) -> String

    /// A fresh accumulator for the summary.
    func makeAccumulator() -> any WorkloadAccumulator<J.Output>
}

/// Folds outputs, in any order, into the lines of the job's summary.
protocol WorkloadAccumulator<Output> {
    associatedtype Output
    mutating func add(index: Int, output: Output)
    func summary() throws -> [String]
}
