import Foundation
import Testing

/// Issue 12, findings 15 and 13 (config), through the real `fanout` executable: a cluster file that names a key or
/// known-hosts file that is missing or a directory, that says nothing, that is not UTF-8, or whose strings could
/// reach a host's shell, is refused with exit status 2 and `FILE:LINE:COL: field …` before anything starts.
extension IntegrationSuite {
    /// Writes `text` to `name` in `directory` and returns its path.
    private static func write(_ text: String, _ name: String, in directory: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A cluster file with one local worker and one remote host that nobody listens for (port 1), so that a run
    /// which gets past the configuration goes on locally and shows it started.
    private static func unreachableHostCluster(_ extra: String, host: String = "", in directory: String) -> String {
        """
        local:
          workers: 1
        ssh:
          connect_timeout: 1
        \(extra)
        hosts:
          - address: 127.0.0.1
            port: 1
        \(host)
        """
    }

    /// The environment of this process with `HOME` replaced, so `~/.ssh/…` defaults point into a test directory.
    private static func environment(home: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        return environment
    }

    @Test("a missing or directory identity, known_hosts or worker binary exits 2 with its line before the run starts")
    func missingReferencedFilesExitTwo() throws {
        let fanout = try Self.product("fanout")
        let directory = try BoundedCommand.temporaryDirectory()
        let knownHosts = try Self.write("", "known_hosts", in: directory)
        let keyDirectory = directory + "/keys"
        try FileManager.default.createDirectory(atPath: keyDirectory, withIntermediateDirectories: true)
        let cases: [(name: String, ssh: String, host: String, expected: String)] = [
            (
                "host identity missing",
                "  known_hosts: \(knownHosts)", "    identity: \(directory)/no_such_key",
                ":9:15: field 'hosts[0].identity': the private key '\(directory)/no_such_key' does not exist"
            ),
            (
                "host identity a directory",
                "  known_hosts: \(knownHosts)", "    identity: \(keyDirectory)",
                ":9:15: field 'hosts[0].identity': the private key '\(keyDirectory)' is a directory, not a file"
            ),
            (
                "ssh identity missing",
                "  known_hosts: \(knownHosts)\n  identity: ~/no_such_key", "",
                ":6:13: field 'ssh.identity': the private key '~/no_such_key' does not exist"
            ),
            (
                "known_hosts missing",
                "  known_hosts: \(directory)/missing_known_hosts", "",
                ":5:16: field 'ssh.known_hosts': the known-hosts file '\(directory)/missing_known_hosts' does not "
                    + "exist, so no host key can be verified; run 'fanout hosts trust HOST…' to record the hosts' keys"
            ),
            (
                "known_hosts a directory",
                "  known_hosts: \(keyDirectory)", "",
                ":5:16: field 'ssh.known_hosts': the known-hosts file '\(keyDirectory)' is a directory, not a file"
            ),
            (
                "default known_hosts missing",
                "", "",
                ":7:3: field 'ssh.known_hosts': the default known-hosts file '~/.ssh/known_hosts' does not "
                    + "exist, so no host key can be verified; run 'fanout hosts trust HOST…' to record the hosts' "
                    + "keys, or set ssh.known_hosts"
            ),
            (
                "worker binary missing",
                "  known_hosts: \(knownHosts)\n  worker_binary: \(directory)/no-worker", "",
                ":6:18: field 'ssh.worker_binary': the worker binary '\(directory)/no-worker' does not exist; build "
                    + "it with 'bash deploy/build-worker.sh' or set ssh.worker_binary: null"
            ),
        ]
        for (index, testCase) in cases.enumerated() {
            let cluster = try Self.write(
                Self.unreachableHostCluster(testCase.ssh, host: testCase.host, in: directory),
                "cluster-\(index).yaml",
                in: directory
            )
            let started = ContinuousClock.now
            let output = try BoundedCommand.run(
                fanout,
                ["run", "noop", "--tasks", "3", "--cluster", cluster],
                directory: directory,
                environment: Self.environment(home: directory),
                timeout: .seconds(30)
            )
            #expect(output.status == 2, "\(testCase.name): status \(output.status): \(output.standardError)")
            #expect(
                output.standardError.contains("fanout: \(cluster)\(testCase.expected)"),
                "\(testCase.name): \(output.standardError)"
            )
            // Refused before anything started: no task ran, no worker was launched, no host was dialled.
            #expect(!output.standardOutput.contains("tasks done"), "\(testCase.name): \(output.standardOutput)")
            #expect(!output.standardError.contains("tasks done"), "\(testCase.name): \(output.standardError)")
            #expect(ContinuousClock.now - started < .seconds(10), "\(testCase.name)")
        }
    }

    @Test("hosts trust and hosts check accept a known_hosts file that does not exist yet, but not a directory")
    func hostCommandsMayCreateKnownHosts() throws {
        let fanout = try Self.product("fanout")
        let directory = try BoundedCommand.temporaryDirectory()
        let missing = Self.unreachableHostCluster("  known_hosts: \(directory)/new/known_hosts", in: directory)
        let cluster = try Self.write(missing, "cluster.yaml", in: directory)
        let trust = try BoundedCommand.run(
            fanout,
            ["hosts", "trust", "127.0.0.1:1", "--yes", "--cluster", cluster],
            directory: directory,
            environment: Self.environment(home: directory)
        )
        // Nobody listens on port 1: the host fails (1), but the file was not refused (2).
        #expect(trust.status == 1, "\(trust.standardOutput)\(trust.standardError)")
        #expect(!trust.standardError.contains("does not exist"), "\(trust.standardError)")

        let asDirectory = Self.unreachableHostCluster("  known_hosts: \(directory)", in: directory)
        let badCluster = try Self.write(asDirectory, "directory.yaml", in: directory)
        for command in [["hosts", "trust", "127.0.0.1:1", "--yes"], ["hosts", "check"], ["deploy"]] {
            let output = try BoundedCommand.run(
                fanout,
                command + ["--cluster", badCluster],
                directory: directory,
                environment: Self.environment(home: directory)
            )
            #expect(output.status == 2, "\(command): \(output.standardError)")
            #expect(
                output.standardError.contains(
                    "\(badCluster):5:16: field 'ssh.known_hosts': the known-hosts file '\(directory)' is a directory"
                ),
                "\(command): \(output.standardError)"
            )
        }
    }

    @Test("an empty or comment-only cluster file exits 2 at line 1, named or found as ./cluster.yaml")
    func emptyClusterFileExitsTwo() throws {
        let fanout = try Self.product("fanout")
        for text in ["", "# nothing but a comment\n\n   # and another\n"] {
            let directory = try BoundedCommand.temporaryDirectory()
            let cluster = try Self.write(text, "cluster.yaml", in: directory)
            let named = try BoundedCommand.run(fanout, ["run", "noop", "--tasks", "1", "--cluster", cluster])
            #expect(named.status == 2, "\(named.standardError)")
            #expect(
                named.standardError.contains("\(cluster):1:1: the file holds no settings"),
                "\(named.standardError)"
            )
            let found = try BoundedCommand.run(fanout, ["run", "noop", "--tasks", "1"], directory: directory)
            #expect(found.status == 2, "\(found.standardError)")
            #expect(found.standardError.contains("cluster.yaml:1:1: the file holds no settings"))
        }
    }

    @Test("a cluster file that is not UTF-8 exits 2 naming the line and column of the first bad byte")
    func nonUTF8ClusterFileNamesTheLine() throws {
        let directory = try BoundedCommand.temporaryDirectory()
        let path = directory + "/latin1.yaml"
        // "# café" in Latin-1 on line 3, after two good lines.
        let bytes = Array("local:\n  workers: 1\n# caf".utf8) + [0xE9] + Array("\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let output = try BoundedCommand.run(try Self.product("fanout"), ["run", "noop", "--cluster", path])
        #expect(output.status == 2, "\(output.standardError)")
        #expect(
            output.standardError.contains("\(path):3:6: '\(path)' is not valid UTF-8 text"),
            "\(output.standardError)"
        )
    }

    @Test("shell syntax or control characters in an address, login or path of the cluster file exit 2 with the field")
    func hostileStringsInTheClusterFileExitTwo() throws {
        let fanout = try Self.product("fanout")
        let directory = try BoundedCommand.temporaryDirectory()
        let marker = directory + "/pwned"
        let cases: [(yaml: String, expected: String)] = [
            // Accepted before: advertise reached the remote worker's command line, where $(…) ran.
            ("coordinator:\n  advertise: $(touch \(marker))\n", ":2:14: field 'coordinator.advertise': "),
            ("coordinator:\n  advertise: a`touch${IFS}\(marker)`\n", ":2:14: field 'coordinator.advertise': must be"),
            (
                "local:\n  workers: 1\nhosts:\n  - address: \"h\\nid\"\n",
                ":4:14: field 'hosts[0].address': must not "
                    + "contain control characters (U+000A at character 2), got 'h\\nid'"
            ),
            (
                "local:\n  workers: 1\nssh:\n  user: \"root\\u0000x\"\n",
                ":4:9: field 'ssh.user': must not contain "
                    + "control characters"
            ),
            (
                "local:\n  workers: 1\nssh:\n  identity: \"/k\\e]0;title\\a\"\n",
                ":4:13: field 'ssh.identity': must "
                    + "not contain control characters"
            ),
            (
                "local:\n  workers: 1\nhosts:\n  - address: -oProxyCommand=touch\n",
                ":4:14: field "
                    + "'hosts[0].address': must be a host name or IP address"
            ),
        ]
        for (index, testCase) in cases.enumerated() {
            let cluster = try Self.write(testCase.yaml, "hostile-\(index).yaml", in: directory)
            let output = try BoundedCommand.run(
                fanout,
                ["run", "noop", "--tasks", "2", "--workers", "1", "--cluster", cluster],
                directory: directory
            )
            #expect(output.status == 2, "\(testCase.yaml): \(output.standardError)")
            #expect(output.standardError.contains(cluster + testCase.expected), "\(output.standardError)")
            // The message shows the value escaped, never raw control characters.
            #expect(!output.standardError.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("cluster-file durations that round to zero milliseconds exit 2 instead of spinning or timing out at once")
    func durationsBelowAMillisecondExitTwo() throws {
        let fanout = try Self.product("fanout")
        let directory = try BoundedCommand.temporaryDirectory()
        for (yaml, field) in [
            ("scheduling:\n  heartbeat_interval: 1e-300\n", "scheduling.heartbeat_interval"),
            ("scheduling:\n  task_timeout: 0.0001\n", "scheduling.task_timeout"),
            ("limits:\n  handshake_timeout: 0.0004\n", "limits.handshake_timeout"),
        ] {
            let cluster = try Self.write(yaml, "durations.yaml", in: directory)
            let output = try BoundedCommand.run(
                fanout,
                ["run", "noop", "--tasks", "20", "--workers", "1", "--cluster", cluster],
                directory: directory,
                timeout: .seconds(20)
            )
            #expect(output.status == 2, "\(yaml): \(output.standardError)")
            #expect(
                output.standardError.contains("\(cluster):2:") && output.standardError.contains("field '\(field)': "),
                "\(output.standardError)"
            )
            #expect(output.standardError.contains("must be between 0.001 and 86400 seconds"), "\(output.standardError)")
        }
    }
}
