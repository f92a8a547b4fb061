import FanoutJobs

/// A built-in job together with how its inputs are made, its outputs shown and summed up: what `fanout run JOB`
/// and `fanout bench JOB` drive, and what a library user can run through ``RunSession``.
///
/// A workload is a plain value (`PrimesWorkload(limit: 5_000_000, tasks: 100)`); ``WorkloadCatalog`` lists them.
public protocol Workload: Sendable {
    /// The job every task runs.
    associatedtype J: Job where J.Output: Equatable

    /// The subcommand name (`primes`), also the catalog's key.
    static var name: String { get }

    /// How many tasks the parameters describe.
    var taskCount: Int { get }

    /// The parameters that fix the inputs, as the user would type them (`--limit 5000000 --tasks 100`); a journal
    /// is resumed only by a run with the same parameters.
    var parameters: String { get }

    /// Checks the parameters before a run, so that no value reaches an allocation, an arithmetic operation or a
    /// conversion that could trap.
    /// - Throws: ``SessionError`` with code ``SessionError/Code/invalidParameters`` naming the option and its range.
    func validate() throws(SessionError)

    /// The input of task `index`, made on demand so inputs need not be held in memory.
    /// - Parameter index: A task index in `0..<taskCount`.
    /// - Returns: The job's input for that task.
    func input(at index: Int) -> J.Input

    /// A short text for one output in the table.
    /// - Parameter output: A task's output.
    /// - Returns: One line, without a line break.
    func describe(_ output: J.Output) -> String

    /// A fresh accumulator for the summary.
    /// - Returns: An accumulator that has seen no output yet.
    func makeAccumulator() -> any WorkloadAccumulator<J.Output>
}
