import Yams

/// Turns a composed YAML tree into a ``ClusterConfiguration``, one section at a time.
///
/// A hand-written walk rather than `Codable`, so that every error can point at the line and column of the node it is
/// about. The walk follows the schema, never the shape of the input, so its depth is fixed however deep the input.
struct ConfigurationDecoder {
    /// The file name used in error messages.
    let path: String

    static let sectionKeys = ["coordinator", "local", "ssh", "hosts", "scheduling", "limits"]
    /// Every key allowed at the top level: the sections, `transport`, a single value, `env`, the variables
    /// for command jobs (a mapping of the user's names, so not a section with a schema of its own), and `slurm`,
    /// which the messages about an empty or shapeless file leave out (most files have no Slurm).
    static let topLevelKeys = ["transport", "env"] + sectionKeys + ["slurm"]
    static let coordinatorKeys = ["listen", "advertise"]
    static let localKeys = ["workers", "slots"]
    static let sshKeys = [
        "user", "identity", "known_hosts", "connect_timeout", "require_all_hosts", "max_parallel", "worker_binary",
    ]
    static let hostKeys = ["address", "port", "user", "identity", "workers", "slots", "env", "workdir"]
    static let schedulingKeys = [
        "prefetch", "max_retries", "batch_size", "heartbeat_interval", "heartbeat_timeout", "task_timeout",
        "retry_job_errors", "speculation", "max_in_flight",
    ]
    static let limitKeys = ["max_frame_bytes", "handshake_timeout", "max_pending_connections"]

    /// The longest duration, in seconds, any timeout or interval may be set to: one day.
    static let maximumSeconds = ConfigurationDuration.maximumSeconds
    /// The shortest duration, in seconds, any timeout or interval may be set to: one millisecond.
    static let minimumSeconds = ConfigurationDuration.minimumSeconds

    /// Decodes the document root. An empty document (no text, only comments, or a null root) is refused: a cluster
    /// file that says nothing is a wrong or truncated file far more often than a wish for the defaults, which
    /// running without `--cluster` gives anyway.
    func decode(root: Node?) throws(ConfigurationError) -> ClusterConfiguration {
        guard let root, !isNull(root) else {
            let sections = Self.sectionKeys.joined(separator: ", ")
            throw ConfigurationError(
                code: .missingField,
                path: path,
                line: 1,
                column: 1,
                message: "the file holds no settings (it is empty or only comments); write at least one section "
                    + "(\(sections)); without a cluster file Fanout runs on local cores with the defaults"
            )
        }
        guard case .mapping = root else {
            let sections = Self.sectionKeys.joined(separator: ", ")
            throw error(
                .wrongType,
                at: root,
                field: nil,
                "the top level must be a mapping of sections (\(sections)), got \(describe(root))"
            )
        }
        let top = try MappingReader(root, field: nil, keys: Self.topLevelKeys, decoder: self, hint: Self.sectionHint)
        var configuration = ClusterConfiguration()
        if let node = top["transport"], !isNull(node) {
            configuration.transport = try decodeTransport(node, field: top.field("transport"))
        }
        if let node = top["coordinator"], !isNull(node) {
            configuration.coordinator = try decodeCoordinator(node, field: top.field("coordinator"))
        }
        if let node = top["local"], !isNull(node) {
            configuration.local = try decodeLocal(node, field: top.field("local"))
        }
        if let node = top["ssh"], !isNull(node) {
            configuration.ssh = try decodeSSH(node, field: top.field("ssh"))
        }
        if let node = top["env"] {
            configuration.environment = try environment(node, field: top.field("env"))
        }
        if let node = top["hosts"], !isNull(node) {
            configuration.hosts = try decodeHosts(node, field: top.field("hosts"))
        }
        if let node = top["scheduling"], !isNull(node) {
            configuration.scheduling = try decodeScheduling(node, field: top.field("scheduling"))
        }
        if let node = top["limits"], !isNull(node) {
            configuration.limits = try decodeLimits(node, field: top.field("limits"))
        }
        if let node = top["slurm"], !isNull(node) {
            configuration.slurm = try decodeSlurm(node, field: top.field("slurm"))
            if !configuration.hosts.isEmpty {
                throw error(
                    .invalidValue,
                    at: top.keyNode("hosts") ?? node,
                    field: "hosts",
                    "cannot be used with 'slurm:': the nodes come from the Slurm allocation; remove one of them"
                )
            }
        }
        if configuration.transport == .sshTunnel, let node = top["coordinator"] {
            try checkTunnelCoordinator(node, settings: configuration.coordinator, field: top.field("coordinator"))
        }
        if configuration.local.workers == .count(0), configuration.hosts.isEmpty, configuration.slurm == nil {
            let localNode = top["local"]
            throw error(
                .invalidValue,
                at: localNode?.mapping?["workers"] ?? localNode ?? root,
                field: "local.workers",
                "is 0 and 'hosts' is empty, so there would be no workers at all"
            )
        }
        return configuration
    }

    /// Points a key that belongs to another section at that section.
    private static func sectionHint(_ key: String) -> String? {
        if ["address", "workdir"].contains(key) {
            return "'\(key)' belongs in an entry of 'hosts:'"
        }
        let sections: [(String, [String])] = [
            ("coordinator", coordinatorKeys), ("local", localKeys), ("ssh", sshKeys),
            ("scheduling", schedulingKeys), ("limits", limitKeys), ("slurm", slurmKeys),
        ]
        guard let section = sections.first(where: { $0.1.contains(key) })?.0 else {
            return nil
        }
        return "'\(key)' belongs in the '\(section):' section"
    }

    private func decodeTransport(_ node: Node, field: String) throws(ConfigurationError) -> Transport {
        let allowed = Transport.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        guard case .scalar(let scalar) = node else {
            throw error(.wrongType, at: node, field: field, "expected \(allowed), got \(describe(node))")
        }
        if let transport = Transport(rawValue: scalar.string) {
            return transport
        }
        let shown = Self.abbreviate(scalar.string)
        throw error(.invalidValue, at: node, field: field, "expected \(allowed), got '\(shown)'")
    }

    /// With `transport: ssh-tunnel` the listener speaks plain TCP and only loopback connections reach it (local
    /// workers and the SSH relays), so it must not listen elsewhere, and there is nothing to advertise.
    private func checkTunnelCoordinator(
        _ node: Node,
        settings: CoordinatorSettings,
        field: String
    ) throws(ConfigurationError) {
        let mapping = node.mapping
        if let host = settings.listenEndpoint?.host, !["127.0.0.1", "localhost", "::1"].contains(host) {
            throw error(
                .invalidValue,
                at: mapping?["listen"] ?? node,
                field: field + ".listen",
                "is '\(Self.abbreviate(settings.listen))' but transport is 'ssh-tunnel': remote workers come through "
                    + "their SSH sessions and the listener speaks plain TCP, so it must listen on loopback "
                    + "(127.0.0.1:0, the default); use transport 'tls' to let workers dial in over the network"
            )
        }
        if settings.advertise != nil {
            throw error(
                .invalidValue,
                at: mapping?["advertise"] ?? node,
                field: field + ".advertise",
                "has no effect with transport 'ssh-tunnel' (workers do not dial the coordinator); remove it"
            )
        }
    }

    private func decodeCoordinator(_ node: Node, field: String) throws(ConfigurationError) -> CoordinatorSettings {
        let reader = try MappingReader(node, field: field, keys: Self.coordinatorKeys, decoder: self)
        var settings = CoordinatorSettings()
        if let value = reader["listen"] {
            let listen = try string(value, field: reader.field("listen"))
            try checkPrintable(listen, at: value, field: reader.field("listen"))
            guard let endpoint = EndpointParser.parse(listen), endpoint.port != nil else {
                throw error(
                    .invalidValue,
                    at: value,
                    field: reader.field("listen"),
                    "expected 'host:port' (port 0 for any, IPv6 in brackets), got '\(Self.abbreviate(listen))'"
                )
            }
            try checkHostName(endpoint.host, at: value, field: reader.field("listen"))
            settings.listen = listen
        }
        if let value = reader["advertise"] {
            settings.advertise = try optionalString(value, field: reader.field("advertise"))
            if let advertise = settings.advertise {
                try checkPrintable(advertise, at: value, field: reader.field("advertise"))
                guard let endpoint = EndpointParser.parse(advertise), endpoint.port != 0 else {
                    throw error(
                        .invalidValue,
                        at: value,
                        field: reader.field("advertise"),
                        "expected 'host' or 'host:port' (port 1-65535, IPv6 in brackets), "
                            + "got '\(Self.abbreviate(advertise))'"
                    )
                }
                try checkHostName(endpoint.host, at: value, field: reader.field("advertise"))
            }
        }
        return settings
    }

    private func decodeLocal(_ node: Node, field: String) throws(ConfigurationError) -> LocalSettings {
        let reader = try MappingReader(node, field: field, keys: Self.localKeys, decoder: self)
        var settings = LocalSettings()
        if let value = reader["workers"] {
            settings.workers = try workerCount(value, field: reader.field("workers"), minimum: 0)
        }
        if let value = reader["slots"] {
            settings.slots = try workerCount(value, field: reader.field("slots"), minimum: 1)
        }
        return settings
    }

    private func decodeSSH(_ node: Node, field: String) throws(ConfigurationError) -> SSHSettings {
        let reader = try MappingReader(node, field: field, keys: Self.sshKeys, decoder: self)
        var settings = SSHSettings()
        if let value = reader["user"] {
            settings.user = try userName(value, field: reader.field("user"))
        }
        if let value = reader["identity"] {
            settings.identity = try optionalPath(value, field: reader.field("identity"))
        }
        if let value = reader["known_hosts"] {
            settings.knownHosts = try path(value, field: reader.field("known_hosts"))
        }
        if let value = reader["connect_timeout"] {
            settings.connectTimeout = try seconds(value, field: reader.field("connect_timeout"))
        }
        if let value = reader["require_all_hosts"] {
            settings.requireAllHosts = try boolean(value, field: reader.field("require_all_hosts"))
        }
        if let value = reader["max_parallel"] {
            settings.maxParallel = try integer(value, field: reader.field("max_parallel"), range: 1...64)
        }
        if let value = reader["worker_binary"] {
            settings.workerBinary = try optionalPath(value, field: reader.field("worker_binary"))
        }
        return settings
    }

    /// Decodes the `hosts:` list, expanding each entry whose address is a range into one host per name, in order.
    ///
    /// The limit of ``ClusterConfiguration/maximumHosts`` counts every name, and each entry's count is known before
    /// its names are made, so a huge range costs nothing. The same address and port twice is refused, whether two
    /// entries or one range produce it.
    private func decodeHosts(_ node: Node, field: String) throws(ConfigurationError) -> [HostSettings] {
        guard case .sequence(let sequence) = node else {
            throw error(.wrongType, at: node, field: field, "expected a list of hosts, got \(describe(node))")
        }
        var hosts: [HostSettings] = []
        var seen: [String: Int] = [:]
        for (index, element) in sequence.enumerated() {
            let hostField = "\(field)[\(index)]"
            guard case .mapping = element else {
                throw error(
                    .wrongType,
                    at: element,
                    field: hostField,
                    "expected a mapping such as '{ address: host.example }', got \(describe(element))"
                )
            }
            let (template, names, addressNode) = try decodeHost(element, field: hostField, listed: hosts.count)
            let addressField = "\(hostField).address"
            let origin = names.hasGroups ? " (from '\(Self.abbreviate(names.pattern))')" : ""
            for name in names {
                let identity = "\(name.lowercased()):\(template.port)"
                if let earlier = seen[identity] {
                    let place = earlier == index ? "twice in this range" : "already listed as \(field)[\(earlier)]"
                    throw error(
                        .invalidValue,
                        at: addressNode,
                        field: addressField,
                        "'\(Self.abbreviate(name))'\(origin) port \(template.port) is \(place)"
                    )
                }
                seen[identity] = index
                var host = template
                host.address = name
                hosts.append(host)
            }
        }
        return hosts
    }

    /// The names an entry's address stands for: itself, or every name of its range, each checked as a host name.
    /// - Parameter listed: How many hosts the entries before this one already hold.
    private func hostNames(
        _ pattern: String,
        at node: Node,
        field: String,
        listed: Int
    ) throws(ConfigurationError) -> NodeSet {
        let limit = ClusterConfiguration.maximumHosts
        let names: NodeSet
        do {
            names = try NodeSet(parsing: pattern, maximumCount: max(0, limit - listed))
        } catch {
            let shown = Self.abbreviate(pattern)
            guard error.code == .tooManyNames else {
                throw self.error(.invalidValue, at: node, field: field, "'\(shown)': \(error.message)")
            }
            let message =
                listed == 0
                ? "'\(shown)' stands for more than \(limit) hosts; the limit is \(limit) hosts per file"
                : "'\(shown)' would take the file past \(limit) hosts (\(listed) are listed before it); the limit "
                    + "is \(limit) hosts per file"
            throw self.error(.invalidValue, at: node, field: field, message)
        }
        for name in names {
            try checkHostName(name, at: node, field: field)
        }
        return names
    }

    /// Decodes one entry of `hosts:`: its settings, with the address as written, and the names the address stands
    /// for.
    /// - Parameter listed: How many hosts the entries before this one already hold.
    private func decodeHost(
        _ node: Node,
        field: String,
        listed: Int
    ) throws(ConfigurationError) -> (HostSettings, NodeSet, Node) {
        let reader = try MappingReader(node, field: field, keys: Self.hostKeys, decoder: self)
        guard let addressNode = reader["address"] else {
            throw error(.missingField, at: node, field: field, "missing required field 'address'")
        }
        let address = try string(addressNode, field: reader.field("address"))
        if address.isEmpty {
            throw error(.invalidValue, at: addressNode, field: reader.field("address"), "must not be empty")
        }
        try checkPrintable(address, at: addressNode, field: reader.field("address"))
        let names = try hostNames(address, at: addressNode, field: reader.field("address"), listed: listed)
        var host = HostSettings(address: address)
        if let value = reader["port"] {
            host.port = try integer(value, field: reader.field("port"), range: 1...65535)
        }
        if let value = reader["user"] {
            host.user = try userName(value, field: reader.field("user"))
        }
        if let value = reader["identity"] {
            host.identity = try optionalPath(value, field: reader.field("identity"))
        }
        if let value = reader["workers"] {
            host.workers = try workerCount(value, field: reader.field("workers"), minimum: 1)
        }
        if let value = reader["slots"] {
            host.slots = try workerCount(value, field: reader.field("slots"), minimum: 1)
        }
        if let value = reader["env"] {
            host.environment = try environment(value, field: reader.field("env"))
        }
        if let value = reader["workdir"] {
            host.workingDirectory = try optionalPath(value, field: reader.field("workdir"))
        }
        return (host, names, addressNode)
    }

    private func decodeScheduling(_ node: Node, field: String) throws(ConfigurationError) -> SchedulingSettings {
        let reader = try MappingReader(node, field: field, keys: Self.schedulingKeys, decoder: self)
        var settings = SchedulingSettings()
        if let value = reader["prefetch"] {
            settings.prefetch = try integer(value, field: reader.field("prefetch"), range: 0...1024)
        }
        if let value = reader["max_retries"] {
            settings.maxRetries = try integer(value, field: reader.field("max_retries"), range: 0...100)
        }
        if let value = reader["batch_size"] {
            settings.batchSize = try integer(value, field: reader.field("batch_size"), range: 1...65536)
        }
        if let value = reader["heartbeat_interval"] {
            settings.heartbeatInterval = try seconds(value, field: reader.field("heartbeat_interval"))
        }
        if let value = reader["heartbeat_timeout"] {
            settings.heartbeatTimeout = try seconds(value, field: reader.field("heartbeat_timeout"))
        }
        if let value = reader["task_timeout"], !isNull(value) {
            settings.taskTimeout = try seconds(value, field: reader.field("task_timeout"))
        }
        if let value = reader["retry_job_errors"] {
            settings.retryJobErrors = try boolean(value, field: reader.field("retry_job_errors"))
        }
        if let value = reader["speculation"] {
            settings.speculation = try boolean(value, field: reader.field("speculation"))
        }
        if let value = reader["max_in_flight"] {
            settings.maxInFlight = try integer(value, field: reader.field("max_in_flight"), range: 1024...16_777_216)
        }
        if settings.heartbeatTimeout <= settings.heartbeatInterval {
            let interval = Self.format(settings.heartbeatInterval)
            let timeout = Self.format(settings.heartbeatTimeout)
            // Blame whichever of the two the file actually set, preferring the timeout.
            if let value = reader["heartbeat_timeout"] {
                throw error(
                    .invalidValue,
                    at: value,
                    field: reader.field("heartbeat_timeout"),
                    "must be greater than heartbeat_interval (\(interval)), got \(timeout)"
                )
            }
            throw error(
                .invalidValue,
                at: reader["heartbeat_interval"] ?? node,
                field: reader.field("heartbeat_interval"),
                "must be less than heartbeat_timeout (\(timeout)), got \(interval)"
            )
        }
        return settings
    }

    private func decodeLimits(_ node: Node, field: String) throws(ConfigurationError) -> LimitSettings {
        let reader = try MappingReader(node, field: field, keys: Self.limitKeys, decoder: self)
        var settings = LimitSettings()
        if let value = reader["max_frame_bytes"] {
            settings.maxFrameBytes = try integer(
                value,
                field: reader.field("max_frame_bytes"),
                range: 1024...1_073_741_824
            )
        }
        if let value = reader["handshake_timeout"] {
            settings.handshakeTimeout = try seconds(value, field: reader.field("handshake_timeout"))
        }
        if let value = reader["max_pending_connections"] {
            settings.maxPendingConnections = try integer(
                value,
                field: reader.field("max_pending_connections"),
                range: 1...65536
            )
        }
        return settings
    }

    /// An error positioned at `node`.
    func error(
        _ code: ConfigurationError.Code,
        at node: Node?,
        field: String?,
        _ message: String
    ) -> ConfigurationError {
        let mark = node?.mark
        return ConfigurationError(
            code: code,
            path: path,
            line: mark?.line,
            column: mark?.column,
            field: field,
            message: message
        )
    }
}
