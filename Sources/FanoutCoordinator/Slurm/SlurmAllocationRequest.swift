import FanoutConfiguration

/// What Fanout asks Slurm for when it runs outside an allocation: `salloc --no-shell` with the `slurm:` settings,
/// under a job name unique to the run, so that the watchdog can cancel the job by name even while it is pending.
public struct SlurmAllocationRequest: Sendable, Equatable {
    /// The settings.
    public var settings: SlurmSettings
    /// The job name (`fanout-` and 16 hex digits).
    public var jobName: String

    /// Creates a request.
    /// - Parameters:
    ///   - settings: The `slurm:` settings.
    ///   - jobName: The job name, unique to the run.
    public init(settings: SlurmSettings, jobName: String) {
        self.settings = settings
        self.jobName = jobName
    }

    /// A new job name: `fanout-` and 64 random bits in hex.
    public static func randomJobName() -> String {
        let value = UInt64.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return "fanout-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `salloc`'s arguments. `--no-kill` keeps the allocation when a node fails, so the run goes on with the other
    /// nodes; `--no-shell` returns as soon as the allocation is granted.
    public var sallocArguments: [String] {
        var arguments = [
            "--no-shell", "--no-kill", "--job-name=\(self.jobName)", "--nodes=\(self.settings.nodes)",
            "--ntasks-per-node=1",
        ]
        if let partition = self.settings.partition { arguments.append("--partition=\(partition)") }
        if let time = self.settings.time { arguments.append("--time=\(time)") }
        if let account = self.settings.account { arguments.append("--account=\(account)") }
        switch self.settings.cpusPerNode {
        case .all: arguments.append("--exclusive")
        case .count(let cpus): arguments.append("--cpus-per-task=\(cpus)")
        case nil: break
        }
        return arguments
    }
}
