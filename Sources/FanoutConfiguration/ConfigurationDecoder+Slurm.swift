import Yams

extension ConfigurationDecoder {
    static let slurmKeys = ["partition", "nodes", "time", "account", "srun_options", "cpus_per_node"]

    /// Decodes the `slurm:` section.
    func decodeSlurm(_ node: Node, field: String) throws(ConfigurationError) -> SlurmSettings {
        let reader = try MappingReader(node, field: field, keys: Self.slurmKeys, decoder: self)
        var settings = SlurmSettings()
        if let value = reader["partition"] {
            settings.partition = try slurmName(value, field: reader.field("partition"))
        }
        if let value = reader["nodes"] {
            settings.nodes = try integer(value, field: reader.field("nodes"), range: 1...WorkerCount.maximum)
        }
        if let value = reader["time"] {
            settings.time = try slurmTime(value, field: reader.field("time"))
        }
        if let value = reader["account"] {
            settings.account = try slurmName(value, field: reader.field("account"))
        }
        if let value = reader["srun_options"] {
            settings.srunOptions = try srunOptions(value, field: reader.field("srun_options"))
        }
        if let value = reader["cpus_per_node"], !isNull(value) {
            if case .scalar(let scalar) = value, scalar.string == "all" {
                settings.cpusPerNode = .all
            } else {
                let text = field + ".cpus_per_node"
                guard case .scalar(let scalar) = value, scalar.style == .plain, Int(scalar.string) != nil else {
                    throw error(
                        .wrongType,
                        at: value,
                        field: text,
                        "expected 'all' or an integer, got \(describe(value))"
                    )
                }
                settings.cpusPerNode = .count(try integer(value, field: text, range: 1...WorkerCount.maximum))
            }
        }
        return settings
    }

    /// A partition or account name: what Slurm's names are made of, and never an option.
    private func slurmName(_ node: Node, field: String) throws(ConfigurationError) -> String? {
        guard let value = try optionalString(node, field: field) else { return nil }
        try checkPrintable(value, at: node, field: field)
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "._-".unicodeScalars.contains(scalar))
        }
        guard allowed, !value.hasPrefix("-") else {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "expected a name of ASCII letters, digits, '.', '_' and '-' not starting with '-', got "
                    + "'\(Self.abbreviate(value))'"
            )
        }
        return value
    }

    /// A time limit in one of Slurm's forms: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`.
    private func slurmTime(_ node: Node, field: String) throws(ConfigurationError) -> String? {
        if isNull(node) { return nil }
        guard case .scalar(let scalar) = node else {
            throw error(
                .wrongType,
                at: node,
                field: field,
                "expected a time such as \"01:30:00\", got \(describe(node))"
            )
        }
        let value = scalar.string
        try checkPrintable(value, at: node, field: field)
        guard Self.isSlurmTime(value) else {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "expected a Slurm time limit (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS; quote it), got "
                    + "'\(Self.abbreviate(value))'"
            )
        }
        return value
    }

    /// Whether `value` has one of the time limit forms `salloc --time` accepts.
    static func isSlurmTime(_ value: String) -> Bool {
        let isNumber: (Substring) -> Bool = { part in
            !part.isEmpty && part.count <= 6 && part.allSatisfy { ("0"..."9").contains($0) }
        }
        let dayParts = value.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let clock = dayParts.count == 2 ? dayParts[1] : dayParts[0]
        if dayParts.count == 2, !isNumber(dayParts[0]) { return false }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy(isNumber) else { return false }
        return true
    }

    /// `srun_options`: a list of words, each an option (starting with `-`) without control characters.
    private func srunOptions(_ node: Node, field: String) throws(ConfigurationError) -> [String] {
        if isNull(node) { return [] }
        guard case .sequence(let sequence) = node else {
            throw error(
                .wrongType,
                at: node,
                field: field,
                "expected a list of srun options such as ['--cpu-bind=cores'], got \(describe(node))"
            )
        }
        guard sequence.count <= SlurmSettings.maximumSrunOptions else {
            throw error(
                .invalidValue,
                at: node,
                field: field,
                "holds \(sequence.count) options; the limit is \(SlurmSettings.maximumSrunOptions)"
            )
        }
        var options: [String] = []
        for (index, element) in sequence.enumerated() {
            let elementField = "\(field)[\(index)]"
            let option = try string(element, field: elementField)
            try checkPrintable(option, at: element, field: elementField)
            guard option.hasPrefix("-"), option.count > 1 else {
                throw error(
                    .invalidValue,
                    at: element,
                    field: elementField,
                    "expected an srun option starting with '-' (write '--name=value' as one word), got "
                        + "'\(Self.abbreviate(option))'"
                )
            }
            options.append(option)
        }
        return options
    }
}
