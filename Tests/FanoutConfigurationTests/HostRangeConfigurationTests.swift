import FanoutConfiguration
import Foundation
import Testing

@Suite("Host ranges in cluster.yaml")
struct HostRangeConfigurationTests {
    /// Parses `yaml` and returns the error it must be refused with.
    private func refusal(_ yaml: String) -> ConfigurationError? {
        #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse(yaml, path: "cluster.yaml")
        }
    }

    @Test("a range entry becomes one host per name, each with the entry's other settings, in order")
    func rangeExpandsKeepingSettings() throws {
        let yaml = """
            hosts:
              - address: gateway.lab
              - address: node[01-03]
                port: 2222
                user: alice
                identity: ~/.ssh/lab
                workers: 2
                slots: 8
                env:
                  SCRATCH: /scratch
                workdir: /scratch/alice
              - address: rack[1-2]-gpu[1,3]
                workers: auto
            """
        let configuration = try ClusterConfiguration.parse(yaml, path: "cluster.yaml")
        #expect(
            configuration.hosts.map(\.address) == [
                "gateway.lab", "node01", "node02", "node03", "rack1-gpu1", "rack1-gpu3", "rack2-gpu1", "rack2-gpu3",
            ]
        )
        let expected = HostSettings(
            address: "",
            port: 2222,
            user: "alice",
            identity: "~/.ssh/lab",
            workers: .count(2),
            slots: .count(8),
            environment: ["SCRATCH": "/scratch"],
            workingDirectory: "/scratch/alice"
        )
        for host in configuration.hosts[1...3] {
            var withoutAddress = host
            withoutAddress.address = ""
            #expect(withoutAddress == expected, "\(host.address)")
        }
        #expect(configuration.hosts[0] == HostSettings(address: "gateway.lab"))
        #expect(configuration.hosts[4...].allSatisfy { $0.workers == .auto && $0.port == 22 && $0.user == nil })
    }

    @Test("a range in a merged or anchored entry expands too, and a quoted range is the same as a plain one")
    func rangeThroughAnchorsAndQuotes() throws {
        let yaml = """
            hosts:
              - &lab { address: "lab[1-2]", port: 2200 }
              - <<: *lab
                address: 'spare[7,9]'
            """
        let configuration = try ClusterConfiguration.parse(yaml, path: "cluster.yaml")
        #expect(configuration.hosts.map(\.address) == ["lab1", "lab2", "spare7", "spare9"])
        #expect(configuration.hosts.allSatisfy { $0.port == 2200 })
    }

    @Test("bad ranges are refused with file, line, column and field, naming the range")
    func badRangesNameTheirField() {
        let cases: [(address: String, message: String)] = [
            ("node[3-1]", "'node[3-1]': range '3-1' goes down; write '1-3'"),
            ("node[a-b]", "'node[a-b]': 'a-b' in '[a-b]' is not a number or a range of numbers such as '1-16'"),
            ("node[]", "'node[]': empty brackets '[]'; write numbers or ranges inside, such as '[1-16]'"),
            ("node[1-4", "'node[1-4': '[' at character 5 is never closed with ']'"),
            ("node1]", "'node1]': ']' at character 6 has no '[' before it"),
        ]
        for (address, message) in cases {
            let error = refusal("local:\n  workers: 1\nhosts:\n  - address: a.lab\n  - address: \(address)\n")
            #expect(
                error?.description == "cluster.yaml:5:14: field 'hosts[1].address': \(message)",
                "\(address): \(error?.description ?? "no error")"
            )
            #expect(error?.code == .invalidValue)
        }
    }

    @Test("a million hosts are refused at once, naming the limit, without making the names")
    func millionHostsAreRefusedFast() {
        let start = ContinuousClock.now
        let error = refusal("hosts:\n  - address: node[1-1000000]\n")
        let elapsed = ContinuousClock.now - start
        #expect(
            error?.description
                == "cluster.yaml:2:14: field 'hosts[0].address': 'node[1-1000000]' stands for more than 4096 hosts; "
                + "the limit is 4096 hosts per file"
        )
        #expect(elapsed < .milliseconds(500), "took \(elapsed)")
    }

    @Test("the limit counts every host of the file, ranges and single entries alike")
    func limitCountsTheWholeFile() throws {
        #expect(ClusterConfiguration.maximumHosts == 4096)
        let full = try ClusterConfiguration.parse(
            "hosts:\n  - address: a[1-4000]\n  - address: b[1-95]\n  - address: last\n",
            path: "cluster.yaml"
        )
        #expect(full.hosts.count == 4096)
        let error = refusal("hosts:\n  - address: a[1-4000]\n  - address: b[1-96]\n  - address: last\n")
        #expect(
            error?.description
                == "cluster.yaml:4:14: field 'hosts[2].address': 'last' would take the file past 4096 hosts (4096 "
                + "are listed before it); the limit is 4096 hosts per file"
        )
        let second = refusal("hosts:\n  - address: a[1-4000]\n  - address: b[1-100]\n")
        #expect(
            second?.description
                == "cluster.yaml:3:14: field 'hosts[1].address': 'b[1-100]' would take the file past 4096 hosts (4000 "
                + "are listed before it); the limit is 4096 hosts per file"
        )
    }

    @Test("the same address and port twice after expansion is refused, within one range or across entries")
    func duplicatesAfterExpansionAreRefused() {
        let withinOne = refusal("hosts:\n  - address: node[1-4,3]\n")
        #expect(
            withinOne?.description
                == "cluster.yaml:2:14: field 'hosts[0].address': 'node3' (from 'node[1-4,3]') port 22 is twice in "
                + "this range"
        )
        let acrossEntries = refusal("hosts:\n  - address: node3\n  - address: node[1-4]\n")
        #expect(
            acrossEntries?.description
                == "cluster.yaml:3:14: field 'hosts[1].address': 'node3' (from 'node[1-4]') port 22 is already "
                + "listed as hosts[0]"
        )
        let caseOnly = refusal("hosts:\n  - address: Node[1-2]\n  - address: node2\n")
        #expect(
            caseOnly?.description
                == "cluster.yaml:3:14: field 'hosts[1].address': 'node2' port 22 is already listed as hosts[0]"
        )
    }

    @Test("the same names on another port, and differently padded names, are different hosts")
    func samePatternOtherPortIsFine() throws {
        let configuration = try ClusterConfiguration.parse(
            "hosts:\n  - address: node[1-2]\n  - address: node[1-2]\n    port: 2222\n  - address: node[01-02]\n",
            path: "cluster.yaml"
        )
        #expect(configuration.hosts.map(\.port) == [22, 22, 2222, 2222, 22, 22])
        #expect(configuration.hosts.map(\.address).suffix(2) == ["node01", "node02"])
    }

    @Test("expanded names must still be host names: no spaces, no shell syntax, no leading '-'")
    func expandedNamesAreHostNames() {
        let cases: [(address: String, message: String)] = [
            (
                "'-node[1-2]'",
                "must be a host name or IP address (ASCII letters, digits, '.', '-', '_', ':', '%', not starting "
                    + "with '-'), got '-node1'"
            ),
            ("'node [1-2]'", "must be a host name or IP address without spaces, got 'node 1'"),
            (
                "'n;id[1-2]'",
                "must be a host name or IP address (ASCII letters, digits, '.', '-', '_', ':', '%', not starting "
                    + "with '-'), got 'n;id1'"
            ),
        ]
        for (address, message) in cases {
            let error = refusal("hosts:\n  - address: \(address)\n")
            #expect(
                error?.description == "cluster.yaml:2:14: field 'hosts[0].address': \(message)",
                "\(address): \(error?.description ?? "no error")"
            )
        }
    }

    @Test("an address error is reported before the entry's other fields, as before ranges")
    func addressIsCheckedFirst() {
        let error = refusal("hosts:\n  - port: 99999\n    address: node[2-1]\n")
        #expect(error?.field == "hosts[0].address")
    }

    @Test("a range's identity file is checked at the entry that names it, after other entries' ranges expanded")
    func identityOfARangeIsCheckedAtItsEntry() throws {
        let key = FileManager.default.temporaryDirectory
            .appendingPathComponent("fanout-key-\(UInt64.random(in: 0...UInt64.max))").path
        try "key".write(toFile: key, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: key) }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("fanout-config-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let yaml = """
            hosts:
              - address: a[1-3]
                identity: \(key)
              - address: b[1-2]
                identity: /nonexistent/fanout/key
            """
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.load(path: path, knownHosts: .mayBeMissing)
        }
        #expect(
            error?.description
                == "\(path):5:15: field 'hosts[1].identity': the private key '/nonexistent/fanout/key' does not exist"
        )
        try yaml.replacingOccurrences(of: "/nonexistent/fanout/key", with: key)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try ClusterConfiguration.load(path: path, knownHosts: .mayBeMissing)
        #expect(configuration.hosts.map(\.identity) == Array(repeating: key, count: 5))
    }
}
