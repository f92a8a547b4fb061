/// One line of `sinfo -h -N -o '%N|%P|%a|%t|%c|%l'`: a node as one partition sees it.
public struct SlurmNodeStatus: Sendable, Equatable {
    /// The `sinfo` format these lines are read from.
    public static let sinfoFormat = "%N|%P|%a|%t|%c|%l"

    /// The node's name.
    public var name: String
    /// The partition, without the `*` that marks the default one.
    public var partition: String
    /// Whether this partition is the cluster's default.
    public var isDefaultPartition: Bool
    /// Whether the partition is up (`%a`).
    public var partitionUp: Bool
    /// The node's state in `sinfo`'s short form (`idle`, `mix`, `alloc`, `down*`, `drain`, …).
    public var state: String
    /// The node's CPUs.
    public var cpus: Int
    /// The partition's time limit as `sinfo` prints it (`infinite`, `1-00:00:00`).
    public var timeLimit: String

    /// Whether a job could start on the node now or once running jobs end: not down, drained, failing or in
    /// maintenance, and responding (no `*`).
    public var isUsable: Bool {
        let base = self.state.trimmingSuffix("*~#!%$@^-")
        guard !self.state.hasSuffix("*") else { return false }
        return ["idle", "mix", "alloc", "comp", "resv", "plnd"].contains(base)
    }

    /// Creates a node status.
    public init(
        name: String,
        partition: String,
        isDefaultPartition: Bool,
        partitionUp: Bool,
        state: String,
        cpus: Int,
        timeLimit: String
    ) {
        self.name = name
        self.partition = partition
        self.isDefaultPartition = isDefaultPartition
        self.partitionUp = partitionUp
        self.state = state
        self.cpus = cpus
        self.timeLimit = timeLimit
    }

    /// Reads `sinfo`'s output in ``sinfoFormat``; lines that do not have its six fields are skipped.
    /// - Parameter output: The output.
    /// - Returns: One status per node and partition.
    public static func parse(_ output: String) -> [SlurmNodeStatus] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6, let cpus = Int(fields[4]) else { return nil }
            let isDefault = fields[1].hasSuffix("*")
            return SlurmNodeStatus(
                name: fields[0],
                partition: isDefault ? String(fields[1].dropLast()) : fields[1],
                isDefaultPartition: isDefault,
                partitionUp: fields[2] == "up",
                state: fields[3],
                cpus: cpus,
                timeLimit: fields[5]
            )
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ characters: String) -> String {
        var result = Substring(self)
        while let last = result.last, characters.contains(last) { result.removeLast() }
        return String(result)
    }
}
