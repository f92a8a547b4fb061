/// Workers started by Slurm, from the `slurm:` section: one worker per node of an allocation, started with `srun`.
///
/// Inside an allocation (`SLURM_JOB_ID` is set: an `sbatch` script or a shell from `salloc`) the allocation's nodes
/// are used and ``partition``, ``nodes``, ``time``, ``account`` and ``cpusPerNode`` are not needed. Outside one,
/// Fanout asks Slurm for an allocation with them (`salloc --no-shell`), uses it and releases it at the end.
///
/// A file with `slurm:` may not list `hosts:`: the nodes belong to Slurm, and a host reached over SSH beside them
/// would be a second, unscheduled way onto the same machines. `local.workers` still adds local workers.
public struct SlurmSettings: Sendable, Equatable {
    /// How many CPUs to ask for on each node, when Fanout obtains the allocation.
    public enum CPUsPerNode: Sendable, Equatable {
        /// Whole nodes (`salloc --exclusive`): every CPU of each node.
        case all
        /// This many CPUs per node (`--ntasks-per-node=1 --cpus-per-task=N`).
        case count(Int)
    }

    /// yaml `partition`: the partition to ask for (`salloc --partition`). Default `null`: the cluster's default
    /// partition. Allowed: ASCII letters, digits, `.`, `_`, `-`, not starting with `-`.
    public var partition: String?
    /// yaml `nodes`: how many nodes to ask for (`salloc --nodes`). Default `1`. Allowed: 1...4096.
    public var nodes: Int
    /// yaml `time`: the allocation's time limit, in Slurm's forms (`MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`,
    /// `D-HH:MM:SS`; `salloc --time`). Default `null`: the partition's default.
    public var time: String?
    /// yaml `account`: the account to charge (`salloc --account`). Default `null`: the user's default account.
    /// Allowed: as ``partition``.
    public var account: String?
    /// yaml `srun_options`: extra words passed to `srun` as they are, before the worker, e.g. `--cpu-bind=cores`.
    /// Default empty. Each must start with `-` and hold no control characters.
    public var srunOptions: [String]
    /// yaml `cpus_per_node`: `all` (whole nodes) or a count, when Fanout obtains the allocation. Default `null`:
    /// what Slurm gives without asking (often one CPU per node). Inside an allocation the allocation decides.
    public var cpusPerNode: CPUsPerNode?

    /// The most words `srun_options` may hold: 64.
    public static let maximumSrunOptions = 64

    /// Creates Slurm settings.
    /// - Parameters:
    ///   - partition: The partition, or `nil` for the default one.
    ///   - nodes: How many nodes to ask for.
    ///   - time: The time limit in Slurm's form, or `nil` for the partition's default.
    ///   - account: The account, or `nil` for the user's default.
    ///   - srunOptions: Extra `srun` words.
    ///   - cpusPerNode: CPUs per node to ask for, or `nil` for Slurm's default.
    public init(
        partition: String? = nil,
        nodes: Int = 1,
        time: String? = nil,
        account: String? = nil,
        srunOptions: [String] = [],
        cpusPerNode: CPUsPerNode? = nil
    ) {
        self.partition = partition
        self.nodes = nodes
        self.time = time
        self.account = account
        self.srunOptions = srunOptions
        self.cpusPerNode = cpusPerNode
    }
}
