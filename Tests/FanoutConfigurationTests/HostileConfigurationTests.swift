import FanoutConfiguration
import Foundation
import Testing

/// Issue 12, findings 13 (config), 14 (ranges) and 15: values that used to trap a conversion later, strings that
/// could reach a host's shell, and files that are not what they claim.
@Suite("Hostile and broken cluster.yaml values")
struct HostileConfigurationTests {
    /// Every duration field, as `section`, `key`, and the column its value starts at in `section:\n  key: VALUE`.
    static let durationFields: [(section: String, key: String)] = [
        ("ssh", "connect_timeout"),
        ("scheduling", "heartbeat_interval"),
        ("scheduling", "heartbeat_timeout"),
        ("scheduling", "task_timeout"),
        ("limits", "handshake_timeout"),
    ]

    /// Values no duration may take: not finite, out of range, or rounding to zero milliseconds.
    static let badDurations = [
        "inf", ".inf", "-.inf", "nan", ".nan", "NaN", "1e300", "1e999", "1e16", "86401", "-1", "-0", "0", "0.0",
        "1e-300", "0.0001", "0.0009",
    ]

    @Test("durations that are infinite, NaN, huge, negative, zero or below a millisecond are refused with their field")
    func badDurationsAreRefused() {
        for (section, key) in Self.durationFields {
            for value in Self.badDurations {
                let text = "\(section):\n  \(key): \(value)\n"
                let error = #expect(throws: ConfigurationError.self, "\(section).\(key): \(value)") {
                    try ClusterConfiguration.parse(text, path: "c.yaml")
                }
                #expect(
                    error?.description.hasPrefix("c.yaml:2:\(key.count + 5): field '\(section).\(key)': ") == true,
                    "\(error?.description ?? "no error")"
                )
                #expect(
                    error?.code == .invalidValue || error?.code == .wrongType,
                    "\(section).\(key): \(value): \(error?.description ?? "no error")"
                )
            }
        }
    }

    @Test("the duration bounds themselves are accepted")
    func durationBoundsAreAccepted() throws {
        let shortest = try ClusterConfiguration.parse("scheduling:\n  heartbeat_interval: 0.001\n", path: "c.yaml")
        #expect(shortest.scheduling.heartbeatInterval == 0.001)
        let longest = try ClusterConfiguration.parse(
            "scheduling:\n  heartbeat_timeout: 86400\n  task_timeout: 86_400\nssh:\n  connect_timeout: 1e-3\n",
            path: "c.yaml"
        )
        #expect(longest.scheduling.heartbeatTimeout == 86_400)
        #expect(longest.scheduling.taskTimeout == 86_400)
        #expect(longest.ssh.connectTimeout == 0.001)
    }

    @Test("a range error names the range")
    func rangeErrorNamesTheRange() {
        let error = #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse("limits:\n  handshake_timeout: 1e300\n", path: "c.yaml")
        }
        #expect(
            error?.description
                == "c.yaml:2:22: field 'limits.handshake_timeout': must be between 0.001 and 86400 seconds, got 1e300"
        )
    }

    @Test("every integer field refuses numbers beyond its range, including ones beyond Int64")
    func badCountsAreRefused() {
        let fields: [(String, String)] = [
            ("scheduling", "prefetch"), ("scheduling", "max_retries"), ("scheduling", "batch_size"),
            ("scheduling", "max_in_flight"), ("limits", "max_frame_bytes"), ("limits", "max_pending_connections"),
            ("ssh", "max_parallel"), ("local", "workers"), ("local", "slots"),
        ]
        let values = [
            "10000000000000000", "1e16", "99999999999999999999999", "-1", "-9223372036854775809", "inf", "nan", "1.5",
        ]
        for (section, key) in fields {
            for value in values {
                let text = "\(section):\n  \(key): \(value)\n"
                let error = #expect(throws: ConfigurationError.self, "\(section).\(key): \(value)") {
                    try ClusterConfiguration.parse(text, path: "c.yaml")
                }
                #expect(
                    error?.description.hasPrefix("c.yaml:2:\(key.count + 5): field '\(section).\(key)': ") == true,
                    "\(error?.description ?? "no error")"
                )
            }
        }
    }

    @Test("durations built in code convert to whole milliseconds within the range, whatever the Double")
    func durationConversionNeverTraps() {
        #expect(ConfigurationDuration.duration(seconds: .infinity) == .seconds(86_400))
        #expect(ConfigurationDuration.duration(seconds: 1e300) == .seconds(86_400))
        #expect(ConfigurationDuration.duration(seconds: -.infinity) == .milliseconds(1))
        #expect(ConfigurationDuration.duration(seconds: .nan) == .milliseconds(1))
        #expect(ConfigurationDuration.duration(seconds: -5) == .milliseconds(1))
        #expect(ConfigurationDuration.duration(seconds: 0) == .milliseconds(1))
        #expect(ConfigurationDuration.duration(seconds: 2.5) == .milliseconds(2_500))
        #expect(ConfigurationDuration.duration(seconds: 0.0015) == .milliseconds(2))
    }
}

extension HostileConfigurationTests {
    /// The string fields that reach a host name, a login, a remote command line or a file name, each as the YAML
    /// that sets it to `VALUE` (written as a double-quoted YAML string), the line and column of the value, and the
    /// field.
    static let stringFields: [(yaml: String, line: Int, column: Int, field: String)] = [
        ("hosts:\n  - address: VALUE\n", 2, 14, "hosts[0].address"),
        ("hosts:\n  - address: a\n    user: VALUE\n", 3, 11, "hosts[0].user"),
        ("hosts:\n  - address: a\n    identity: VALUE\n", 3, 15, "hosts[0].identity"),
        ("ssh:\n  user: VALUE\n", 2, 9, "ssh.user"),
        ("ssh:\n  identity: VALUE\n", 2, 13, "ssh.identity"),
        ("ssh:\n  known_hosts: VALUE\n", 2, 16, "ssh.known_hosts"),
        ("ssh:\n  worker_binary: VALUE\n", 2, 18, "ssh.worker_binary"),
        ("coordinator:\n  listen: VALUE\n", 2, 11, "coordinator.listen"),
        ("coordinator:\n  advertise: VALUE\n", 2, 14, "coordinator.advertise"),
    ]

    /// Control characters, as YAML double-quoted escapes, inside otherwise valid values (`:7000` keeps the
    /// endpoints' shape, so the control character is what must be refused).
    static let controlEscapes = [
        "\\0", "\\n", "\\r", "\\t", "\\e[31m", "\\x7f", "\\x9b", "\\N", "\\L", "\\P", "\\u202e", "\\x01", "\\b",
    ]

    @Test("control characters and NUL are refused in every string that can reach a host, with file, line and field")
    func controlCharactersAreRefused() {
        for (yaml, line, column, field) in Self.stringFields {
            for escape in Self.controlEscapes {
                let value = "\"host\(escape)name:7000\""
                let text = yaml.replacingOccurrences(of: "VALUE", with: value)
                let error = #expect(throws: ConfigurationError.self, "\(field) with \(escape)") {
                    try ClusterConfiguration.parse(text, path: "c.yaml")
                }
                #expect(
                    error?.description.hasPrefix("c.yaml:\(line):\(column): field '\(field)': ") == true,
                    "\(field) with \(escape): \(error?.description ?? "no error")"
                )
                #expect(
                    error?.description.contains("control characters") == true,
                    "\(field) with \(escape): \(error?.description ?? "no error")"
                )
                // The message shows the value with its control characters made visible, never raw.
                #expect(
                    error?.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
                        == false
                )
            }
        }
    }

    @Test("host names, advertised and listen addresses and logins hold no shell syntax and cannot pose as options")
    func shellSyntaxIsRefusedInHostsAndUsers() {
        let hostile = [
            "'$(touch /tmp/pwned)'", "'`id`'", "'a;reboot'", "'a|b'", "'a&b'", "'-oProxyCommand=sh'", "'a>b'",
            "'a\"b'", "\"a'b\"", "'a\\\\b'", "'a/b'", "'a*'", "'ä.lan'",
        ]
        let fields = [
            ("hosts:\n  - address: VALUE\n", "hosts[0].address"),
            ("hosts:\n  - address: a\n    user: VALUE\n", "hosts[0].user"),
            ("ssh:\n  user: VALUE\n", "ssh.user"),
            ("coordinator:\n  advertise: VALUE\n", "coordinator.advertise"),
        ]
        for (yaml, field) in fields {
            for value in hostile {
                let text = yaml.replacingOccurrences(of: "VALUE", with: value)
                let error = #expect(throws: ConfigurationError.self, "\(field): \(value)") {
                    try ClusterConfiguration.parse(text, path: "c.yaml")
                }
                #expect(error?.code == .invalidValue, "\(field): \(value): \(error?.description ?? "no error")")
                #expect(error?.field == field, "\(field): \(value): \(error?.description ?? "no error")")
            }
        }
        for value in ["'$(touch /tmp/pwned):7000'", "'-x:7000'", "'[::1;id]:7000'"] {
            let error = #expect(throws: ConfigurationError.self, "\(value)") {
                try ClusterConfiguration.parse("coordinator:\n  listen: \(value)\n", path: "c.yaml")
            }
            #expect(error?.field == "coordinator.listen", "\(error?.description ?? "no error")")
        }
    }

    @Test("ordinary host names, IPv6 addresses, logins and paths with spaces are still accepted")
    func ordinaryValuesAreAccepted() throws {
        let text = """
            coordinator:
              listen: '[fe80::1%eth0]:7000'
              advertise: head-node_2.lab.example:7000
            ssh:
              user: svc.fanout@LAB
              identity: ~/keys/my lab key
              known_hosts: /etc/ssh/known hosts
            hosts:
              - address: 10.0.0.7
                user: machine$
              - address: fe80::2
              - address: Node-3.example
            """
        let configuration = try ClusterConfiguration.parse(text, path: "c.yaml")
        #expect(configuration.coordinator.advertise == "head-node_2.lab.example:7000")
        #expect(configuration.ssh.user == "svc.fanout@LAB")
        #expect(configuration.ssh.identity == "~/keys/my lab key")
        #expect(configuration.hosts.map(\.address) == ["10.0.0.7", "fe80::2", "Node-3.example"])
        #expect(configuration.hosts[0].user == "machine$")
    }

    @Test("an empty known_hosts path is refused")
    func emptyKnownHostsIsRefused() {
        let error = #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse("ssh:\n  known_hosts: ''\n", path: "c.yaml")
        }
        #expect(error?.description == "c.yaml:2:16: field 'ssh.known_hosts': must not be empty")
    }
}
