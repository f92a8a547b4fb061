import FanoutConfiguration
import Foundation
import Testing

@Suite("Valid cluster.yaml files")
struct ClusterConfigurationTests {
    /// The repository's committed `cluster.yaml`, three levels above this file.
    static let committedConfigurationPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("cluster.yaml")
        .path

    static let fullExample = """
        transport: plain
        coordinator:
          listen: 0.0.0.0:7000
          advertise: coordinator.lan:7000
        local:
          workers: 4
          slots: auto
        ssh:
          user: fanout
          identity: ~/.ssh/fanout_ed25519
          known_hosts: /etc/fanout/known_hosts
          connect_timeout: 2.5
        hosts:
          - address: build1.lan
            port: 2222
            user: alice
            identity: ~/.ssh/alice
            workers: auto
            slots: 8
          - address: 10.0.0.7
            user: null
          - { address: "fe80::1", workers: 3 }
        scheduling:
          prefetch: 0
          max_retries: 10
          batch_size: 1_000
          heartbeat_interval: 0.5
          heartbeat_timeout: 3
          max_in_flight: 200_000
        limits:
          max_frame_bytes: 1048576
          handshake_timeout: 30
        """

    @Test func committedFileEqualsDefaults() throws {
        let configuration = try ClusterConfiguration.load(path: Self.committedConfigurationPath)
        #expect(configuration == ClusterConfiguration())
        #expect(configuration.transport == .tls)
        #expect(configuration.hosts.isEmpty)
        #expect(configuration.local.workers == .auto)
    }

    @Test func defaultsAreLocalCoresOnly() {
        let configuration = ClusterConfiguration()
        #expect(configuration.coordinator.listen == "127.0.0.1:0")
        #expect(configuration.coordinator.advertise == nil)
        #expect(configuration.local == LocalSettings(workers: .auto, slots: .count(1)))
        #expect(configuration.ssh.knownHosts == "~/.ssh/known_hosts")
        #expect(configuration.ssh.connectTimeout == 10)
        #expect(configuration.hosts.isEmpty)
        #expect(configuration.scheduling == SchedulingSettings(prefetch: 2, maxRetries: 3, batchSize: 256))
        #expect(configuration.scheduling.heartbeatInterval == 1)
        #expect(configuration.scheduling.heartbeatTimeout == 5)
        #expect(configuration.scheduling.maxInFlight == 65_536)
        #expect(configuration.limits == LimitSettings(maxFrameBytes: 16_777_216, handshakeTimeout: 10))
        #expect(configuration.transport == .tls)
    }

    @Test func transportIsTLSUnlessSetToPlain() throws {
        #expect(try ClusterConfiguration.parse("local:\n  workers: 1\n", path: "c.yaml").transport == .tls)
        #expect(try ClusterConfiguration.parse("transport: tls\n", path: "c.yaml").transport == .tls)
        #expect(try ClusterConfiguration.parse("transport: plain\n", path: "c.yaml").transport == .plain)
        #expect(try ClusterConfiguration.parse("transport: 'plain'\n", path: "c.yaml").transport == .plain)
        #expect(try ClusterConfiguration.parse("transport:\n", path: "c.yaml").transport == .tls)
        #expect(try ClusterConfiguration.parse("transport: ssh-tunnel\n", path: "c.yaml").transport == .sshTunnel)
        let tunnel = try ClusterConfiguration.parse(
            "transport: ssh-tunnel\ncoordinator:\n  listen: '[::1]:7000'\n",
            path: "c.yaml"
        )
        #expect(tunnel.transport == .sshTunnel)
    }

    @Test func fullExampleParsesEveryField() throws {
        let configuration = try ClusterConfiguration.parse(Self.fullExample, path: "full.yaml")
        let expected = ClusterConfiguration(
            coordinator: CoordinatorSettings(listen: "0.0.0.0:7000", advertise: "coordinator.lan:7000"),
            local: LocalSettings(workers: .count(4), slots: .auto),
            ssh: SSHSettings(
                user: "fanout",
                identity: "~/.ssh/fanout_ed25519",
                knownHosts: "/etc/fanout/known_hosts",
                connectTimeout: 2.5
            ),
            hosts: [
                HostSettings(
                    address: "build1.lan",
                    port: 2222,
                    user: "alice",
                    identity: "~/.ssh/alice",
                    workers: .auto,
                    slots: .count(8)
                ),
                HostSettings(address: "10.0.0.7"),
                HostSettings(address: "fe80::1", workers: .count(3)),
            ],
            scheduling: SchedulingSettings(
                prefetch: 0,
                maxRetries: 10,
                batchSize: 1000,
                heartbeatInterval: 0.5,
                heartbeatTimeout: 3,
                maxInFlight: 200_000
            ),
            limits: LimitSettings(maxFrameBytes: 1_048_576, handshakeTimeout: 30),
            transport: .plain
        )
        #expect(configuration == expected)
        #expect(configuration.coordinator.listenEndpoint?.host == "0.0.0.0")
        #expect(configuration.coordinator.listenEndpoint?.port == 7000)
        #expect(configuration.coordinator.advertiseEndpoint?.port == 7000)
    }

    @Test func hostFieldsOverrideSSHDefaults() throws {
        let configuration = try ClusterConfiguration.parse(Self.fullExample, path: "full.yaml")
        let ssh = configuration.ssh
        #expect(configuration.hosts[0].effectiveUser(ssh: ssh) == "alice")
        #expect(configuration.hosts[0].effectiveIdentity(ssh: ssh) == "~/.ssh/alice")
        #expect(configuration.hosts[1].effectiveUser(ssh: ssh) == "fanout")
        #expect(configuration.hosts[1].effectiveIdentity(ssh: ssh) == "~/.ssh/fanout_ed25519")
        #expect(HostSettings(address: "x").effectiveUser(ssh: SSHSettings()) == nil)
    }

    @Test(
        "an empty or comment-only document is refused at line 1 (issue 12, finding 15)",
        arguments: ["", "\n\n", "# only a comment\n   # and another\n", "---\n", "~\n", "null"]
    )
    func emptyDocumentsAreRefused(text: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse(text, path: "empty.yaml")
        }
        #expect(error?.code == .missingField)
        #expect(
            error?.description
                == "empty.yaml:1:1: the file holds no settings (it is empty or only comments); write at least one "
                + "section (coordinator, local, ssh, hosts, scheduling, limits); without a cluster file Fanout runs on "
                + "local cores with the defaults"
        )
    }

    @Test func emptyAndNullSectionsGiveDefaults() throws {
        let text = "coordinator:\nlocal: ~\nssh: {}\nhosts:\nscheduling: null\nlimits: {}\n"
        #expect(try ClusterConfiguration.parse(text, path: "c.yaml") == ClusterConfiguration())
    }

    @Test func anchorsAliasesAndMergeKeysAreResolved() throws {
        let text = """
            ssh:
              user: &deploy deployer
            hosts:
              - &base { address: a.lan, port: 2200, workers: 2, user: *deploy }
              - <<: *base
                address: b.lan
                port: 2201
            """
        let configuration = try ClusterConfiguration.parse(text, path: "c.yaml")
        #expect(configuration.ssh.user == "deployer")
        #expect(
            configuration.hosts == [
                HostSettings(address: "a.lan", port: 2200, user: "deployer", workers: .count(2)),
                HostSettings(address: "b.lan", port: 2201, user: "deployer", workers: .count(2)),
            ]
        )
    }

    @Test func stringsAreKeptAsWritten() throws {
        let text = "ssh:\n  user: 1234\n  known_hosts: '~/known hosts'\nhosts:\n  - address: 10.1.2.3\n"
        let configuration = try ClusterConfiguration.parse(text, path: "c.yaml")
        #expect(configuration.ssh.user == "1234")
        #expect(configuration.ssh.knownHosts == "~/known hosts")
        #expect(configuration.hosts.first?.address == "10.1.2.3")
    }

    @Test func zeroLocalWorkersIsFineWithHosts() throws {
        let text = "local:\n  workers: 0\nhosts:\n  - address: a\n"
        #expect(try ClusterConfiguration.parse(text, path: "c.yaml").local.workers == .count(0))
    }

    @Test func ipv6ListenAddressInBrackets() throws {
        let configuration = try ClusterConfiguration.parse("coordinator:\n  listen: '[::]:9000'\n", path: "c.yaml")
        #expect(configuration.coordinator.listenEndpoint?.host == "::")
        #expect(configuration.coordinator.listenEndpoint?.port == 9000)
    }

    @Test func loadReadsAFile() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("fanout-config-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        try "scheduling:\n  prefetch: 7\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ClusterConfiguration.load(path: path).scheduling.prefetch == 7)
    }

    @Test func loadReportsMissingFile() {
        let path = "/nonexistent/fanout/cluster.yaml"
        let error = #expect(throws: ConfigurationError.self) { try ClusterConfiguration.load(path: path) }
        #expect(error?.code == .fileNotFound)
        #expect(
            error?.description == "/nonexistent/fanout/cluster.yaml: no such file '/nonexistent/fanout/cluster.yaml'"
        )
    }

    @Test func loadRejectsADirectory() {
        let path = FileManager.default.temporaryDirectory.path
        let error = #expect(throws: ConfigurationError.self) { try ClusterConfiguration.load(path: path) }
        #expect(error?.code == .unreadable)
        #expect(error?.description == "\(path): '\(path)' is a directory, not a configuration file")
    }

    @Test func loadRejectsInvalidUTF8() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("fanout-config-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        try Data([0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ConfigurationError.self) { try ClusterConfiguration.load(path: path) }
        #expect(error?.code == .unreadable)
        #expect(error?.description == "\(path):1:4: '\(path)' is not valid UTF-8 text (save it as UTF-8)")
    }

    @Test func loadRejectsOversizedFile() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("fanout-config-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        try Data(repeating: 0x23, count: ClusterConfiguration.maximumFileBytes + 1).write(
            to: URL(fileURLWithPath: path)
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ConfigurationError.self) { try ClusterConfiguration.load(path: path) }
        #expect(error?.code == .fileTooLarge)
        #expect(error?.description == "\(path): the file is 1048577 bytes; the limit is 1048576 bytes")
    }

    @Test func parseRejectsOversizedText() {
        let text = String(repeating: "#", count: ClusterConfiguration.maximumFileBytes + 1)
        let error = #expect(throws: ConfigurationError.self) { try ClusterConfiguration.parse(text, path: "big.yaml") }
        #expect(error?.description == "big.yaml: the configuration is 1048577 bytes; the limit is 1048576 bytes")
    }

    @Test func errorDescriptionLeavesOutUnknownParts() {
        #expect(ConfigurationError(code: .syntax, path: "a.yaml", message: "m").description == "a.yaml: m")
        #expect(
            ConfigurationError(code: .syntax, path: "a.yaml", line: 3, column: 4, message: "m").description
                == "a.yaml:3:4: m"
        )
        #expect(
            ConfigurationError(code: .syntax, path: "a.yaml", field: "local.slots", message: "m").description
                == "a.yaml: field 'local.slots': m"
        )
        #expect(ConfigurationError.Code.unknownKey.description == "unknownKey")
    }
}
