import FanoutConfiguration

/// Reads what Slurm prints and sets: host lists, per-node CPU counts, `salloc`'s job lines, `scontrol show job -d -o`,
/// `sinfo` and `scontrol show node -o` lines. Pure functions, tested on captured outputs.
public enum SlurmOutputParser {
    /// The host names of a Slurm host list such as `node[01-03],gpu7` (Slurm's syntax is ClusterShell's node sets,
    /// joined by commas outside brackets).
    /// - Parameter list: The host list.
    /// - Returns: The names in order.
    /// - Throws: ``SlurmError`` with code `unexpectedOutput` when the list is malformed.
    public static func hostNames(_ list: String) throws(SlurmError) -> [String] {
        var names: [String] = []
        var depth = 0
        var current = ""
        func flush() throws(SlurmError) {
            guard !current.isEmpty else { return }
            do {
                names += Array(try NodeSet(parsing: current))
            } catch {
                throw SlurmError(.unexpectedOutput, "cannot read the Slurm host list '\(list)': \(error.message)")
            }
            current = ""
        }
        for character in list {
            switch character {
            case "[": depth += 1
            case "]": depth -= 1
            default: break
            }
            if character == ",", depth == 0 {
                try flush()
            } else {
                current.append(character)
            }
        }
        try flush()
        guard !names.isEmpty else { throw SlurmError(.unexpectedOutput, "the Slurm host list '\(list)' is empty") }
        return names
    }

    /// The CPUs per node of `SLURM_JOB_CPUS_PER_NODE`, such as `2(x3),1` (two CPUs on each of three nodes, then
    /// one).
    /// - Parameter text: The variable's value.
    /// - Returns: One count per node.
    /// - Throws: ``SlurmError`` with code `unexpectedOutput` when it is malformed or counts more than 4,096 nodes.
    public static func cpusPerNode(_ text: String) throws(SlurmError) -> [Int] {
        var counts: [Int] = []
        for part in text.split(separator: ",") {
            let bad = SlurmError(.unexpectedOutput, "cannot read SLURM_JOB_CPUS_PER_NODE '\(text)'")
            var cpuText = part
            var repeats = 1
            if let open = part.firstIndex(of: "(") {
                cpuText = part[..<open]
                let inner = part[part.index(after: open)...]
                guard inner.hasPrefix("x"), inner.hasSuffix(")"), let count = Int(inner.dropFirst().dropLast()),
                    count >= 1
                else { throw bad }
                repeats = count
            }
            guard let cpus = Int(cpuText), cpus >= 1, counts.count + repeats <= NodeSet.defaultMaximumCount else {
                throw bad
            }
            counts += Array(repeating: cpus, count: repeats)
        }
        guard !counts.isEmpty else { throw SlurmError(.unexpectedOutput, "SLURM_JOB_CPUS_PER_NODE is empty") }
        return counts
    }

    /// The job id in one of `salloc`'s lines (`salloc: Granted job allocation 12`, `salloc: Pending job allocation
    /// 12`), or `nil`.
    /// - Parameter line: A line of `salloc`'s standard error.
    /// - Returns: The job id.
    public static func sallocJobID(_ line: String) -> String? {
        for marker in ["Granted job allocation ", "Pending job allocation "] {
            guard let range = line.firstRange(of: marker) else { continue }
            let id = line[range.upperBound...].prefix { $0.isNumber || $0 == "_" }
            if !id.isEmpty { return String(id) }
        }
        return nil
    }

    /// The `KEY=value` fields of a one-line `scontrol` record (`scontrol show job -d -o`, `scontrol show node -o`),
    /// each key with the values it has, in order (`Nodes=` and `CPU_IDs=` repeat once per group of nodes).
    /// - Parameter line: The record.
    /// - Returns: The fields.
    public static func fields(_ line: String) -> [(key: String, value: String)] {
        line.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { word in
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return nil }
            return (String(word[..<equals]), String(word[word.index(after: equals)...]))
        }
    }

    /// The nodes and their CPUs of `scontrol show job -d -o JOBID`: each `Nodes=LIST CPU_IDs=IDS` pair gives the
    /// CPUs (the count of the ids, such as `0-1,4`) of every node in the list.
    /// - Parameter record: The command's output.
    /// - Returns: The state (`JobState`) and the nodes.
    /// - Throws: ``SlurmError`` with code `unexpectedOutput` when it has no node groups or they do not read.
    public static func jobDetail(_ record: String) throws(SlurmError) -> (state: String, nodes: [SlurmNode]) {
        let fields = Self.fields(record)
        let state = fields.first { $0.key == "JobState" }?.value ?? "UNKNOWN"
        var nodes: [SlurmNode] = []
        var pendingNames: [String]?
        for field in fields {
            switch field.key {
            case "Nodes":
                pendingNames = try Self.hostNames(field.value)
            case "CPU_IDs":
                guard let names = pendingNames else { continue }
                let cpus = try Self.countOfIDs(field.value)
                nodes += names.map { SlurmNode(name: $0, cpus: cpus) }
                pendingNames = nil
            default:
                break
            }
        }
        guard !nodes.isEmpty else {
            throw SlurmError(
                .unexpectedOutput,
                "scontrol show job printed no 'Nodes=… CPU_IDs=…' groups (state \(state))"
            )
        }
        return (state, nodes)
    }

    /// How many ids a list such as `0-1,4,6-7` holds.
    static func countOfIDs(_ list: String) throws(SlurmError) -> Int {
        var count = 0
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-")
            guard let low = bounds.first.flatMap({ Int($0) }), bounds.count <= 2 else {
                throw SlurmError(.unexpectedOutput, "cannot read the CPU ids '\(list)'")
            }
            let high = bounds.count == 2 ? Int(bounds[1]) ?? -1 : low
            guard high >= low else { throw SlurmError(.unexpectedOutput, "cannot read the CPU ids '\(list)'") }
            count += high - low + 1
        }
        guard count > 0 else { throw SlurmError(.unexpectedOutput, "no CPU ids in '\(list)'") }
        return count
    }
}
