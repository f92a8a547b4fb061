import ArgumentParser
import FanoutSessions

/// A `fanout run JOB` subcommand: parses its options into a ``Workload`` value and hands it to the run session.
protocol WorkloadCommand: AsyncParsableCommand {
    associatedtype W: Workload

    /// The workload the options describe.
    var workload: W { get }

    /// The options every `fanout run JOB` shares.
    var options: RunOptions { get }
}

extension WorkloadCommand {
    func validate() throws { try self.workload.validateOptions() }

    func run() async throws { try await RunCommandDriver(workload: self.workload, options: self.options).run() }
}

extension Workload {
    /// Checks the parameters as `validate()` of a command does: an out-of-range value is a usage error (exit 2,
    /// with the usage line), the message unchanged.
    /// - Throws: `ValidationError` with the workload's message.
    func validateOptions() throws {
        do {
            try self.validate()
        } catch {
            throw ValidationError(error.message)
        }
    }
}
