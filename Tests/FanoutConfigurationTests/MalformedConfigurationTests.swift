import FanoutConfiguration
import Testing

/// One malformed file and the exact diagnostic it must produce.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var expected: String

    init(_ name: String, _ yaml: String, _ expected: String) {
        self.name = name
        self.yaml = yaml
        self.expected = expected
    }

    var testDescription: String {
        name
    }
}

@Suite("Malformed cluster.yaml files")
struct MalformedConfigurationTests {
    static let cases: [MalformedCase] = [
        MalformedCase(
            "unknown top-level key with suggestion",
            "schedulng:\n  prefetch: 1\n",
            "cluster.yaml:1:1: field 'schedulng': unknown key 'schedulng'; did you mean 'scheduling'?"
        ),
        MalformedCase(
            "unknown transport",
            "local:\n  workers: 1\ntransport: bogus\n",
            "cluster.yaml:3:12: field 'transport': expected 'tls', 'plain', 'ssh-tunnel', got 'bogus'"
        ),
        MalformedCase(
            "ssh-tunnel with a listener on every interface",
            "transport: ssh-tunnel\ncoordinator:\n  listen: 0.0.0.0:0\n",
            "cluster.yaml:3:11: field 'coordinator.listen': is '0.0.0.0:0' but transport is 'ssh-tunnel': remote "
                + "workers come through their SSH sessions and the listener speaks plain TCP, so it must listen on "
                + "loopback (127.0.0.1:0, the default); use transport 'tls' to let workers dial in over the network"
        ),
        MalformedCase(
            "ssh-tunnel with an advertised address",
            "coordinator:\n  advertise: 10.0.0.5\ntransport: ssh-tunnel\n",
            "cluster.yaml:2:14: field 'coordinator.advertise': has no effect with transport 'ssh-tunnel' (workers do "
                + "not dial the coordinator); remove it"
        ),
        MalformedCase(
            "transport spelled with an underscore",
            "transport: ssh_tunnel\n",
            "cluster.yaml:1:12: field 'transport': expected 'tls', 'plain', 'ssh-tunnel', got 'ssh_tunnel'"
        ),
        MalformedCase(
            "transport in upper case",
            "transport: TLS\n",
            "cluster.yaml:1:12: field 'transport': expected 'tls', 'plain', 'ssh-tunnel', got 'TLS'"
        ),
        MalformedCase(
            "transport given a mapping",
            "transport:\n  mode: tls\n",
            "cluster.yaml:2:3: field 'transport': expected 'tls', 'plain', 'ssh-tunnel', got a mapping"
        ),
        MalformedCase(
            "transport misspelt",
            "transprt: plain\n",
            "cluster.yaml:1:1: field 'transprt': unknown key 'transprt'; did you mean 'transport'?"
        ),
        MalformedCase(
            "unknown nested key with suggestion",
            "scheduling:\n  prefech: 4\n",
            "cluster.yaml:2:3: field 'scheduling.prefech': unknown key 'prefech'; did you mean 'prefetch'?"
        ),
        MalformedCase(
            "camelCase key",
            "scheduling:\n  maxRetries: 2\n",
            "cluster.yaml:2:3: field 'scheduling.maxRetries': unknown key 'maxRetries'; did you mean 'max_retries'?"
        ),
        MalformedCase(
            "key in the wrong section",
            "prefetch: 4\n",
            "cluster.yaml:1:1: field 'prefetch': unknown key 'prefetch'; 'prefetch' belongs in the 'scheduling:' section"
        ),
        MalformedCase(
            "unknown key without a near match",
            "limits:\n  banana: 1\n",
            "cluster.yaml:2:3: field 'limits.banana': unknown key 'banana'; valid keys are 'max_frame_bytes', "
                + "'handshake_timeout', 'max_pending_connections'"
        ),
        MalformedCase(
            "negative task timeout",
            "scheduling:\n  task_timeout: -1\n",
            "cluster.yaml:2:17: field 'scheduling.task_timeout': must be between 0.001 and 86400 seconds, got -1"
        ),
        MalformedCase(
            "task timeout as text",
            "scheduling:\n  task_timeout: soon\n",
            "cluster.yaml:2:17: field 'scheduling.task_timeout': expected a number of seconds, got 'soon'"
        ),
        MalformedCase(
            "speculation not a boolean",
            "scheduling:\n  speculation: 3\n",
            "cluster.yaml:2:16: field 'scheduling.speculation': expected true or false, got '3'"
        ),
        MalformedCase(
            "max_in_flight below a worker's usual window",
            "scheduling:\n  max_in_flight: 100\n",
            "cluster.yaml:2:18: field 'scheduling.max_in_flight': must be between 1024 and 16777216, got 100"
        ),
        MalformedCase(
            "retry_job_errors not a boolean",
            "scheduling:\n  retry_job_errors: sometimes\n",
            "cluster.yaml:2:21: field 'scheduling.retry_job_errors': expected true or false, got 'sometimes'"
        ),
        MalformedCase(
            "no pending connections allowed",
            "limits:\n  max_pending_connections: 0\n",
            "cluster.yaml:2:28: field 'limits.max_pending_connections': must be between 1 and 65536, got 0"
        ),
        MalformedCase(
            "unknown host key",
            "hosts:\n  - address: a\n    adress: b\n",
            "cluster.yaml:3:5: field 'hosts[0].adress': unknown key 'adress'; did you mean 'address'?"
        ),
        MalformedCase(
            "integer field given a word",
            "scheduling:\n  prefetch: abc\n",
            "cluster.yaml:2:13: field 'scheduling.prefetch': expected an integer, got 'abc'"
        ),
        MalformedCase(
            "integer field given a quoted number",
            "hosts:\n  - address: a\n    port: \"22\"\n",
            "cluster.yaml:3:11: field 'hosts[0].port': expected an integer, got the quoted string '22'; write numbers without quotes"
        ),
        MalformedCase(
            "integer field given a decimal",
            "scheduling:\n  batch_size: 1.5\n",
            "cluster.yaml:2:15: field 'scheduling.batch_size': expected an integer, got '1.5'"
        ),
        MalformedCase(
            "integer field given a list",
            "scheduling:\n  prefetch: [[[[1]]]]\n",
            "cluster.yaml:2:13: field 'scheduling.prefetch': expected an integer, got a list"
        ),
        MalformedCase(
            "integer field left empty",
            "scheduling:\n  max_retries:\n  prefetch: 1\n",
            "cluster.yaml:2:15: field 'scheduling.max_retries': expected an integer, got an empty value"
        ),
        MalformedCase(
            "non-numeric port",
            "hosts:\n  - address: a\n    port: ssh\n",
            "cluster.yaml:3:11: field 'hosts[0].port': expected an integer, got 'ssh'"
        ),
        MalformedCase(
            "port too large",
            "hosts:\n  - address: a\n    port: 70000\n",
            "cluster.yaml:3:11: field 'hosts[0].port': must be between 1 and 65535, got 70000"
        ),
        MalformedCase(
            "port zero",
            "hosts:\n  - address: a\n    port: 0\n",
            "cluster.yaml:3:11: field 'hosts[0].port': must be between 1 and 65535, got 0"
        ),
        MalformedCase(
            "negative prefetch",
            "scheduling:\n  prefetch: -1\n",
            "cluster.yaml:2:13: field 'scheduling.prefetch': must be between 0 and 1024, got -1"
        ),
        MalformedCase(
            "integer overflow",
            "scheduling:\n  max_retries: 99999999999999999999999\n",
            "cluster.yaml:2:16: field 'scheduling.max_retries': must be between 0 and 100, got 99999999999999999999999"
        ),
        MalformedCase(
            "frame limit too small",
            "limits:\n  max_frame_bytes: 10\n",
            "cluster.yaml:2:20: field 'limits.max_frame_bytes': must be between 1024 and 1073741824, got 10"
        ),
        MalformedCase(
            "missing address",
            "hosts:\n  - port: 2222\n",
            "cluster.yaml:2:5: field 'hosts[0]': missing required field 'address'"
        ),
        MalformedCase(
            "empty address",
            "hosts:\n  - address: \"\"\n",
            "cluster.yaml:2:14: field 'hosts[0].address': must not be empty"
        ),
        MalformedCase(
            "null address",
            "hosts:\n  - address: ~\n",
            "cluster.yaml:2:14: field 'hosts[0].address': expected a string, got null"
        ),
        MalformedCase(
            "address with spaces",
            "hosts:\n  - address: my host\n",
            "cluster.yaml:2:14: field 'hosts[0].address': must be a host name or IP address without spaces, got 'my host'"
        ),
        MalformedCase(
            "same host twice",
            "hosts:\n  - address: a\n  - address: A\n",
            "cluster.yaml:3:14: field 'hosts[1].address': 'A' port 22 is already listed as hosts[0]"
        ),
        MalformedCase(
            "duplicate nested key",
            "scheduling:\n  prefetch: 1\n  batch_size: 2\n  prefetch: 3\n",
            "cluster.yaml:4:3: field 'scheduling.prefetch': duplicate key 'prefetch' (first set at line 2, column 3)"
        ),
        MalformedCase(
            "duplicate section",
            "local:\n  workers: 2\nlocal:\n  slots: 1\n",
            "cluster.yaml:3:1: field 'local': duplicate key 'local' (first set at line 1, column 1)"
        ),
        MalformedCase(
            "duplicate key in a flow mapping",
            "hosts:\n  - {address: a, port: 1, port: 2}\n",
            "cluster.yaml:2:27: field 'hosts[0].port': duplicate key 'port' (first set at line 2, column 18)"
        ),
        MalformedCase(
            "key written three times",
            "ssh:\n  user: a\n  user: b\n  user: c\n",
            "cluster.yaml:3:3: field 'ssh.user': duplicate key 'user' (first set at line 2, column 3)"
        ),
        MalformedCase(
            "workers not auto or a number",
            "local:\n  workers: many\n",
            "cluster.yaml:2:12: field 'local.workers': expected 'auto' or an integer, got 'many'"
        ),
        MalformedCase(
            "negative local workers",
            "local:\n  workers: -1\n",
            "cluster.yaml:2:12: field 'local.workers': must be 'auto' or between 0 and 4096, got -1"
        ),
        MalformedCase(
            "zero host workers",
            "hosts:\n  - address: a\n    workers: 0\n",
            "cluster.yaml:3:14: field 'hosts[0].workers': must be 'auto' or between 1 and 4096, got 0"
        ),
        MalformedCase(
            "zero local slots",
            "local:\n  slots: 0\n",
            "cluster.yaml:2:10: field 'local.slots': must be 'auto' or between 1 and 4096, got 0"
        ),
        MalformedCase(
            "no workers anywhere",
            "local:\n  workers: 0\n",
            "cluster.yaml:2:12: field 'local.workers': is 0 and 'hosts' is empty, so there would be no workers at all"
        ),
        MalformedCase(
            "heartbeat timeout equal to interval",
            "scheduling:\n  heartbeat_interval: 2\n  heartbeat_timeout: 2\n",
            "cluster.yaml:3:22: field 'scheduling.heartbeat_timeout': must be greater than heartbeat_interval (2), got 2"
        ),
        MalformedCase(
            "heartbeat interval above default timeout",
            "scheduling:\n  heartbeat_interval: 10\n",
            "cluster.yaml:2:23: field 'scheduling.heartbeat_interval': must be less than heartbeat_timeout (5), got 10"
        ),
        MalformedCase(
            "zero timeout",
            "ssh:\n  connect_timeout: 0\n",
            "cluster.yaml:2:20: field 'ssh.connect_timeout': must be between 0.001 and 86400 seconds, got 0"
        ),
        MalformedCase(
            "timeout given a word",
            "ssh:\n  connect_timeout: soon\n",
            "cluster.yaml:2:20: field 'ssh.connect_timeout': expected a number of seconds, got 'soon'"
        ),
        MalformedCase(
            "infinite timeout",
            "limits:\n  handshake_timeout: .inf\n",
            "cluster.yaml:2:22: field 'limits.handshake_timeout': expected a number of seconds, got '.inf'"
        ),
        MalformedCase(
            "listen without a port",
            "coordinator:\n  listen: localhost\n",
            "cluster.yaml:2:11: field 'coordinator.listen': expected 'host:port' (port 0 for any, IPv6 in brackets), got 'localhost'"
        ),
        MalformedCase(
            "advertise with port zero",
            "coordinator:\n  advertise: example.lan:0\n",
            "cluster.yaml:2:14: field 'coordinator.advertise': expected 'host' or 'host:port' (port 1-65535, IPv6 in brackets), got 'example.lan:0'"
        ),
        MalformedCase(
            "string field given a list",
            "ssh:\n  known_hosts: [a, b]\n",
            "cluster.yaml:2:16: field 'ssh.known_hosts': expected a string, got a list"
        ),
        MalformedCase(
            "string field given a mapping",
            "ssh:\n  user: {name: x}\n",
            "cluster.yaml:2:9: field 'ssh.user': expected a string, got a mapping"
        ),
        MalformedCase(
            "empty quoted user",
            "hosts:\n  - address: a\n    user: ''\n",
            "cluster.yaml:3:11: field 'hosts[0].user': must not be empty; use null to leave it unset"
        ),
        MalformedCase(
            "section given a scalar",
            "ssh: yes\n",
            "cluster.yaml:1:6: field 'ssh': expected a mapping, got 'yes'"
        ),
        MalformedCase(
            "section given a list",
            "scheduling:\n  - prefetch: 1\n",
            "cluster.yaml:2:3: field 'scheduling': expected a mapping, got a list"
        ),
        MalformedCase(
            "hosts not a list",
            "hosts:\n  address: a\n",
            "cluster.yaml:2:3: field 'hosts': expected a list of hosts, got a mapping"
        ),
        MalformedCase(
            "host written as a scalar",
            "hosts:\n  - build1\n",
            "cluster.yaml:2:5: field 'hosts[0]': expected a mapping such as '{ address: host.example }', got 'build1'"
        ),
        MalformedCase(
            "top level is a list",
            "- a\n- b\n",
            "cluster.yaml:1:1: the top level must be a mapping of sections (coordinator, local, ssh, hosts, scheduling, limits), got a list"
        ),
        MalformedCase(
            "top level is a scalar",
            "hello\n",
            "cluster.yaml:1:1: the top level must be a mapping of sections (coordinator, local, ssh, hosts, scheduling, limits), got 'hello'"
        ),
        MalformedCase(
            "key that is a list",
            "? [a, b]\n: 1\n",
            "cluster.yaml:1:3: keys must be plain names, got a list"
        ),
        MalformedCase(
            "bad merge source",
            "hosts:\n  - <<: 5\n    address: a\n",
            "cluster.yaml:2:9: field 'hosts[0].<<': expected a mapping or a list of mappings to merge, got '5'"
        ),
        MalformedCase(
            "unclosed bracket",
            "hosts: [\n  {address: a}\n",
            "cluster.yaml:3:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 8)"
        ),
        MalformedCase(
            "bad indentation",
            "scheduling:\n  prefetch: 1\n   batch_size: 2\n",
            "cluster.yaml:3:14: invalid YAML: mapping values are not allowed in this context; check the indentation of this line and the one above"
        ),
        MalformedCase(
            "tab indentation",
            "scheduling:\n\tprefetch: 1\n",
            "cluster.yaml:2:1: invalid YAML: found character that cannot start any token (while scanning for the next token at line 2, column 1); tabs cannot be used for indentation, use spaces"
        ),
        MalformedCase(
            "undefined alias",
            "ssh:\n  user: *nobody\n",
            "cluster.yaml:2:9: invalid YAML: found undefined alias"
        ),
        MalformedCase(
            "two documents",
            "local: {}\n---\nssh: {}\n",
            "cluster.yaml:2:1: invalid YAML: but found another document (expected a single document in the stream at line 1, column 1)"
        ),
        MalformedCase(
            "control character",
            "local:\n  workers: 1\u{7}\n",
            "cluster.yaml:2:13: invalid YAML: control characters are not allowed"
        ),
        MalformedCase(
            "unterminated quote",
            "ssh:\n  user: \"alice\n",
            "cluster.yaml:3:1: invalid YAML: found unexpected end of stream (while scanning a quoted scalar at line 2, column 9)"
        ),
    ]

    @Test(arguments: cases)
    func reportsPositionFieldAndMessage(_ testCase: MalformedCase) {
        let error = #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse(testCase.yaml, path: "cluster.yaml")
        }
        #expect(error?.description == testCase.expected)
    }

    @Test func deeplyNestedFlowJunkIsASyntaxErrorNotACrash() {
        let text = "scheduling:\n  prefetch: " + String(repeating: "[", count: 5000) + "\n"
        let error = #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse(text, path: "cluster.yaml")
        }
        #expect(error?.description == "cluster.yaml:2:14: invalid YAML: nested too deeply")
    }

    @Test func deeplyNestedBlockSequencesAreASyntaxErrorNotACrash() {
        let text = "hosts:\n" + String(repeating: "- ", count: 3000) + "x\n"
        let error = #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse(text, path: "cluster.yaml")
        }
        #expect(error?.code == .syntax)
        #expect(error?.description == "cluster.yaml:2:1999: invalid YAML: nested too deeply")
    }

    @Test func deeplyNestedBlockMappingsAreASyntaxErrorNotACrash() {
        var text = ""
        for depth in 0..<1100 {
            text += String(repeating: " ", count: depth) + "k:\n"
        }
        let error = #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse(text, path: "cluster.yaml")
        }
        #expect(error?.code == .syntax)
        #expect(error?.description == "cluster.yaml:1000:1000: invalid YAML: nested too deeply")
    }

    /// Seven levels of nine aliases each: 9^7 nodes if anything expanded them.
    static let billionLaughs: String = {
        var text = "ssh:\n  k0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<8 {
            let previous = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            text += "  k\(level): &a\(level) [\(previous)]\n"
        }
        return text
    }()

    @Test func aliasValuesAreNotExpanded() {
        // The schema walk never follows a value deeper than its field, so this is only an unknown key.
        let error = #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse(Self.billionLaughs, path: "cluster.yaml")
        }
        #expect(
            error?.description
                == "cluster.yaml:2:3: field 'ssh.k0': unknown key 'k0'; valid keys are 'user', 'identity', 'known_hosts', 'connect_timeout', 'require_all_hosts', 'max_parallel', 'worker_binary'"
        )
    }

    @Test(arguments: [
        ("hosts:\n  - {*a7 : 1}\n", "cluster.yaml:11:6: keys must be plain names, got an alias"),
        ("hosts:\n  - {*a7 : 1, *a7 : 2}\n", "cluster.yaml:11:6: keys must be plain names, got an alias"),
        ("hosts:\n  - ? [*a7]\n    : 1\n", "cluster.yaml:11:8: keys must be plain names, got an alias"),
    ])
    func aliasKeysAreRejectedBeforeYamsHashesThem(suffix: String, expected: String) {
        // Yams' duplicate-key check hashes each key's whole tree, so an alias key here would take minutes.
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse(Self.billionLaughs + suffix, path: "cluster.yaml")
        }
        #expect(error?.description == expected)
        #expect(clock.now - start < .seconds(5))
    }

    @Test func errorCodesMatchTheKindOfProblem() {
        let expectations: [(String, ConfigurationError.Code)] = [
            ("schedulng: {}\n", .unknownKey),
            ("ssh: yes\n", .wrongType),
            ("hosts:\n  - port: 1\n", .missingField),
            ("local:\n  slots: 0\n", .invalidValue),
            ("local: {}\nlocal: {}\n", .duplicateKey),
            ("a: [\n", .syntax),
        ]
        for (text, code) in expectations {
            let error = #expect(throws: ConfigurationError.self) {
                try ClusterConfiguration.parse(text, path: "c.yaml")
            }
            #expect(error?.code == code, "\(text)")
        }
    }
}
