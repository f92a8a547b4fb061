/// A unit of CPU work that Fanout can run on any worker.
///
/// A job is a type with a stable ``name``, Codable input and output, and a synchronous ``run(_:)`` that does the
/// work. Workers call `run` on dedicated threads, never on an event loop or Swift's cooperative pool, so it may
/// compute for as long as it needs. Register the type in a ``JobRegistry`` on both the coordinator and the workers.
///
/// ```swift
/// struct WordCount: Job {
///     static let name = "word-count"
///     static func run(_ input: String) throws -> Int { input.split(separator: " ").count }
/// }
/// ```
public protocol Job: Sendable {
    /// What one task receives.
    associatedtype Input: Codable & Sendable
    /// What one task returns.
    associatedtype Output: Codable & Sendable

    /// The name that identifies the job on the wire and on the command line. Must be stable across versions.
    static var name: String { get }

    /// Runs one task.
    /// - Parameter input: The task's input.
    /// - Returns: The task's output.
    /// - Throws: Any error; it is reported as this task's failure.
    static func run(_ input: Input) throws -> Output

    /// Called once when a worker holding this job in its registry is about to exit, however it exits (told to
    /// shut down, connection lost, standard input closed, a task past its timeout). A job that leaves something
    /// behind its tasks (child processes, temporary files) cleans it up here. Runs on the exiting thread, possibly
    /// while tasks are still running: keep it short and thread-safe. The default does nothing.
    static func workerWillExit()
}

extension Job {
    /// Does nothing: most jobs leave nothing behind.
    public static func workerWillExit() {}
}
