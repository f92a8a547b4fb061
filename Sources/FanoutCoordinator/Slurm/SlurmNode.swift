/// One node of a Slurm allocation, as the launcher grants it: its name and the CPUs Slurm gave the job there.
public struct SlurmNode: Sendable, Equatable {
    /// The node's name (`SLURMD_NODENAME`), which results and the speedup report show as the host.
    public var name: String
    /// The CPUs the allocation holds on this node: the worker's slots.
    public var cpus: Int

    /// Creates a node.
    /// - Parameters:
    ///   - name: The node's name.
    ///   - cpus: The CPUs allocated on it.
    public init(name: String, cpus: Int) {
        self.name = name
        self.cpus = cpus
    }

    /// The worker id the launcher gives this node's worker.
    public var workerID: String { "slurm-\(self.name)" }
}
