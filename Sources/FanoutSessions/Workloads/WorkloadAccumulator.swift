/// Folds outputs, in any order, into the lines of the job's summary.
///
/// Outputs come from workers, which may lie: an accumulator counts an impossible output apart rather than let it
/// overflow a sum or grow memory.
public protocol WorkloadAccumulator<Output> {
    /// The job's output type.
    associatedtype Output

    /// Adds the output of task `index`.
    /// - Parameters:
    ///   - index: The task's index.
    ///   - output: What the worker sent.
    mutating func add(index: Int, output: Output)

    /// The job's own lines of the end-of-run summary.
    /// - Returns: Lines without line breaks.
    /// - Throws: ``SessionError`` with code ``SessionError/Code/summary`` when a result file cannot be written.
    func summary() throws(SessionError) -> [String]
}
