/// A Slurm allocation the workers run in: the job, its nodes and whether Fanout obtained it (and must release it).
public struct SlurmAllocation: Sendable, Equatable {
    /// The job id (`SLURM_JOB_ID`, or what `salloc` granted).
    public var jobID: String
    /// The nodes, in Slurm's order, each with its CPUs.
    public var nodes: [SlurmNode]
    /// Whether Fanout asked for this allocation (it then passes `--jobid` to `srun` and cancels the job at the end),
    /// rather than running inside the user's own.
    public var obtained: Bool

    /// Creates an allocation.
    /// - Parameters:
    ///   - jobID: The job id.
    ///   - nodes: The nodes with their CPUs.
    ///   - obtained: Whether Fanout obtained it.
    public init(jobID: String, nodes: [SlurmNode], obtained: Bool) {
        self.jobID = jobID
        self.nodes = nodes
        self.obtained = obtained
    }

    /// The allocation the process runs inside, from the variables Slurm sets in an `sbatch` script or an `salloc`
    /// shell (`SLURM_JOB_ID`, `SLURM_JOB_NODELIST`, `SLURM_JOB_CPUS_PER_NODE`); `nil` when `SLURM_JOB_ID` is unset.
    /// - Parameter environment: The process environment.
    /// - Returns: The allocation, or `nil` outside one.
    /// - Throws: ``SlurmError`` with code `unexpectedOutput` when the variables are there but do not make sense.
    public static func current(environment: [String: String]) throws(SlurmError) -> SlurmAllocation? {
        guard let jobID = environment["SLURM_JOB_ID"], !jobID.isEmpty else { return nil }
        guard let nodeList = environment["SLURM_JOB_NODELIST"] ?? environment["SLURM_NODELIST"],
            let cpuText = environment["SLURM_JOB_CPUS_PER_NODE"]
        else {
            throw SlurmError(
                .unexpectedOutput,
                "SLURM_JOB_ID is \(jobID) but SLURM_JOB_NODELIST or SLURM_JOB_CPUS_PER_NODE is unset"
            )
        }
        let names = try SlurmOutputParser.hostNames(nodeList)
        let cpus = try SlurmOutputParser.cpusPerNode(cpuText)
        guard names.count == cpus.count else {
            throw SlurmError(
                .unexpectedOutput,
                "SLURM_JOB_NODELIST '\(nodeList)' names \(names.count) nodes but SLURM_JOB_CPUS_PER_NODE "
                    + "'\(cpuText)' has \(cpus.count) counts"
            )
        }
        return SlurmAllocation(
            jobID: jobID,
            nodes: zip(names, cpus).map { SlurmNode(name: $0, cpus: $1) },
            obtained: false
        )
    }
}
