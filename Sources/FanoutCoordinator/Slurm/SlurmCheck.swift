import FanoutConfiguration

/// What `fanout hosts check` says about a `slurm:` file: the partition, its nodes' states and CPUs (from `sinfo`),
/// the allocation the command runs in if any, and why the request cannot be satisfied when it cannot.
public struct SlurmCheck: Sendable, Equatable {
    /// The lines to print.
    public var lines: [String]
    /// Why the request cannot be satisfied; empty when it can.
    public var problems: [String]

    /// Whether Fanout could get (or use) the nodes asked for.
    public var satisfiable: Bool { self.problems.isEmpty }

    /// Judges `settings` against what `sinfo` printed.
    /// - Parameters:
    ///   - settings: The `slurm:` settings.
    ///   - nodes: `sinfo`'s lines (``SlurmNodeStatus/parse(_:)``).
    ///   - allocation: The allocation the command runs inside, if any.
    /// - Returns: The check.
    public static func evaluate(
        _ settings: SlurmSettings,
        nodes: [SlurmNodeStatus],
        allocation: SlurmAllocation?
    ) -> SlurmCheck {
        var lines: [String] = []
        var problems: [String] = []
        if let allocation {
            let shown = allocation.nodes.map { "\($0.name) (\($0.cpus) CPUs)" }.joined(separator: ", ")
            lines.append("inside Slurm job \(allocation.jobID): workers start on \(shown)")
            return SlurmCheck(lines: lines, problems: [])
        }
        let partitions = Set(nodes.map(\.partition)).sorted()
        let partition = settings.partition ?? nodes.first(where: \.isDefaultPartition)?.partition
        guard let partition else {
            problems.append("no partition is set in slurm.partition and the cluster has no default partition")
            return SlurmCheck(lines: lines, problems: problems)
        }
        let members = nodes.filter { $0.partition == partition }
        guard let first = members.first else {
            problems.append(
                "partition '\(partition)' does not exist (partitions: \(partitions.joined(separator: ", ")))"
            )
            return SlurmCheck(lines: lines, problems: problems)
        }
        let usable = members.filter(\.isUsable)
        lines.append(
            "partition \(partition): \(first.partitionUp ? "up" : "DOWN"), \(members.count) nodes, "
                + "\(usable.count) usable, time limit \(first.timeLimit)"
        )
        let nameWidth = max(4, members.map(\.name.count).max() ?? 4)
        lines.append("node".padding(nameWidth) + "  state    cpus")
        for node in members {
            lines.append(node.name.padding(nameWidth) + "  " + node.state.padding(7) + "  \(node.cpus)")
        }
        if !first.partitionUp {
            problems.append("partition '\(partition)' is down: no job can start there")
        }
        if settings.nodes > members.count {
            problems.append(
                "slurm.nodes is \(settings.nodes) but partition '\(partition)' has \(members.count) nodes"
            )
        } else if settings.nodes > usable.count {
            let others = members.filter { !$0.isUsable }.map { "\($0.name) \($0.state)" }.joined(separator: ", ")
            problems.append(
                "slurm.nodes is \(settings.nodes) but only \(usable.count) nodes of partition '\(partition)' are "
                    + "usable now (\(others)): the allocation would wait until they return"
            )
        }
        if case .count(let cpus) = settings.cpusPerNode {
            let fitting = members.filter { $0.cpus >= cpus }.count
            if fitting < settings.nodes {
                problems.append(
                    "slurm.cpus_per_node is \(cpus) but only \(fitting) nodes of partition '\(partition)' have that "
                        + "many CPUs"
                )
            }
        }
        return SlurmCheck(lines: lines, problems: problems)
    }

    /// Runs `sinfo` and judges `settings` (see ``evaluate(_:nodes:allocation:)``).
    /// - Parameters:
    ///   - settings: The `slurm:` settings.
    ///   - environment: The process environment (`SLURM_JOB_ID` and friends inside an allocation).
    /// - Returns: The check; a failing `sinfo` is one of its problems.
    public static func run(_ settings: SlurmSettings, environment: [String: String]) async -> SlurmCheck {
        do {
            let allocation = try SlurmAllocation.current(environment: environment)
            let output = try await SlurmCommands().output("sinfo", ["-h", "-N", "-o", SlurmNodeStatus.sinfoFormat])
            return Self.evaluate(settings, nodes: SlurmNodeStatus.parse(output), allocation: allocation)
        } catch {
            return SlurmCheck(lines: [], problems: [error.message])
        }
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self.count >= width ? self : self + String(repeating: " ", count: width - self.count)
    }
}
