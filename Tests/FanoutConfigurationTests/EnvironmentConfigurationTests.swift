import FanoutConfiguration
import Testing

@Suite("env: and workdir: in cluster.yaml")
struct EnvironmentConfigurationTests {
    /// Parses `yaml` and returns the error it must be refused with.
    private func refusal(_ yaml: String) -> ConfigurationError? {
        #expect(throws: ConfigurationError.self) {
            try ClusterConfiguration.parse(yaml, path: "cluster.yaml")
        }
    }

    @Test("the global env and a host's env are read as written, and the host's wins name by name")
    func globalAndHostEnvironment() throws {
        let yaml = """
            env:
              OMP_NUM_THREADS: 1
              LANG: C.UTF-8
              DEBUG: true
              EMPTY: ''
              TABBED: "a\\tb"
            hosts:
              - address: big[1-2]
                env:
                  OMP_NUM_THREADS: 16
                  _SCRATCH2: /scratch
                workdir: ~/runs
              - address: small
            """
        let configuration = try ClusterConfiguration.parse(yaml, path: "cluster.yaml")
        #expect(
            configuration.environment == [
                "OMP_NUM_THREADS": "1", "LANG": "C.UTF-8", "DEBUG": "true", "EMPTY": "", "TABBED": "a\tb",
            ]
        )
        let big = configuration.hosts[0]
        #expect(big.environment == ["OMP_NUM_THREADS": "16", "_SCRATCH2": "/scratch"])
        #expect(big.workingDirectory == "~/runs")
        #expect(configuration.hosts[1].environment == big.environment)
        #expect(configuration.hosts[1].workingDirectory == "~/runs")
        #expect(
            big.effectiveEnvironment(global: configuration.environment) == [
                "OMP_NUM_THREADS": "16", "LANG": "C.UTF-8", "DEBUG": "true", "EMPTY": "", "TABBED": "a\tb",
                "_SCRATCH2": "/scratch",
            ]
        )
        let small = configuration.hosts[2]
        #expect(small.environment.isEmpty)
        #expect(small.workingDirectory == nil)
        #expect(small.effectiveEnvironment(global: configuration.environment) == configuration.environment)
    }

    @Test("no env, a null env, an empty env and a null workdir all mean none")
    func absentMeansNone() throws {
        #expect(ClusterConfiguration().environment.isEmpty)
        let yaml = "env:\nhosts:\n  - address: a\n    env: {}\n    workdir: null\n  - address: b\n    env: ~\n"
        let configuration = try ClusterConfiguration.parse(yaml, path: "cluster.yaml")
        #expect(configuration.environment.isEmpty)
        #expect(configuration.hosts.allSatisfy { $0.environment.isEmpty && $0.workingDirectory == nil })
    }

    @Test("env mappings take anchors and merge keys, written keys winning")
    func mergedEnvironment() throws {
        let yaml = """
            env: &common
              A: "1"
              B: "2"
            hosts:
              - address: a
                env:
                  <<: *common
                  B: three
            """
        let configuration = try ClusterConfiguration.parse(yaml, path: "cluster.yaml")
        #expect(configuration.hosts[0].environment == ["A": "1", "B": "three"])
    }

    /// A file, and the exact diagnostic it must produce.
    static let badFiles: [(name: String, yaml: String, expected: String)] = [
        (
            "variable name starting with a digit",
            "env:\n  1PATH: x\n",
            "cluster.yaml:2:3: field 'env.1PATH': must be a variable name (ASCII letters, digits and '_', not "
                + "starting with a digit), got '1PATH'"
        ),
        (
            "variable name with '='",
            "hosts:\n  - address: a\n    env:\n      'A=B': x\n",
            "cluster.yaml:4:7: field 'hosts[0].env.A=B': must be a variable name (ASCII letters, digits and '_', "
                + "not starting with a digit), got 'A=B'"
        ),
        (
            "variable name with a dash",
            "env:\n  MY-VAR: x\n",
            "cluster.yaml:2:3: field 'env.MY-VAR': must be a variable name (ASCII letters, digits and '_', not "
                + "starting with a digit), got 'MY-VAR'"
        ),
        (
            "variable name with a non-ASCII letter",
            "env:\n  ÄRGER: x\n",
            "cluster.yaml:2:3: field 'env.ÄRGER': must be a variable name (ASCII letters, digits and '_', not "
                + "starting with a digit), got 'ÄRGER'"
        ),
        (
            "value with a newline",
            "hosts:\n  - address: a\n    env:\n      A: \"x\\ny\"\n",
            "cluster.yaml:4:10: field 'hosts[0].env.A': must not contain control characters other than tab "
                + "(U+000A at character 2), got 'x\\ny'"
        ),
        (
            "value with NUL",
            "env:\n  A: \"x\\0\"\n",
            "cluster.yaml:2:6: field 'env.A': must not contain control characters other than tab (U+0000 at "
                + "character 2), got 'x\\u{0}'"
        ),
        (
            "value with an escape sequence",
            "env:\n  A: \"\\e[31m\"\n",
            "cluster.yaml:2:6: field 'env.A': must not contain control characters other than tab (U+001B at "
                + "character 1), got '\\u{1b}[31m'"
        ),
        (
            "null value",
            "env:\n  A:\n",
            "cluster.yaml:2:5: field 'env.A': expected a value, got an empty value; write '' for an empty value"
        ),
        (
            "list value",
            "env:\n  PATH: [/bin, /usr/bin]\n",
            "cluster.yaml:2:9: field 'env.PATH': expected a value, got a list"
        ),
        (
            "env as a list",
            "env:\n  - A=1\n",
            "cluster.yaml:2:3: field 'env': expected a mapping of variable names to values, such as "
                + "'{ OMP_NUM_THREADS: 1 }', got a list"
        ),
        (
            "host env as a string",
            "hosts:\n  - address: a\n    env: A=1\n",
            "cluster.yaml:3:10: field 'hosts[0].env': expected a mapping of variable names to values, such as "
                + "'{ OMP_NUM_THREADS: 1 }', got 'A=1'"
        ),
        (
            "duplicate variable",
            "env:\n  A: 1\n  A: 2\n",
            "cluster.yaml:3:3: field 'env.A': duplicate key 'A' (first set at line 2, column 3)"
        ),
        (
            "workdir with a newline",
            "hosts:\n  - address: a\n    workdir: \"/tmp\\nrm\"\n",
            "cluster.yaml:3:14: field 'hosts[0].workdir': must not contain control characters (U+000A at "
                + "character 5), got '/tmp\\nrm'"
        ),
        (
            "workdir with a tab",
            "hosts:\n  - address: a\n    workdir: \"/tmp\\tx\"\n",
            "cluster.yaml:3:14: field 'hosts[0].workdir': must not contain control characters (U+0009 at "
                + "character 5), got '/tmp\\tx'"
        ),
        (
            "empty workdir",
            "hosts:\n  - address: a\n    workdir: ''\n",
            "cluster.yaml:3:14: field 'hosts[0].workdir': must not be empty; use null to leave it unset"
        ),
        (
            "workdir as a list",
            "hosts:\n  - address: a\n    workdir: [/a]\n",
            "cluster.yaml:3:14: field 'hosts[0].workdir': expected a string, got a list"
        ),
    ]

    @Test("bad env and workdir values are refused with line, column and field")
    func badValuesAreRefused() {
        for (name, yaml, expected) in Self.badFiles {
            let error = refusal(yaml)
            #expect(error?.description == expected, "\(name): \(error?.description ?? "no error")")
        }
    }

    @Test("env limits: variable count, name length and value size, each named")
    func limitsAreEnforced() throws {
        let limit = ClusterConfiguration.maximumEnvironmentVariables
        let many = (0...limit).map { "  V\($0): x\n" }.joined()
        let tooMany = refusal("env:\n" + many)
        #expect(
            tooMany?.description == "cluster.yaml:2:3: field 'env': sets \(limit + 1) variables; the limit is \(limit)"
        )
        let exactly = (0..<limit).map { "  V\($0): x\n" }.joined()
        #expect(try ClusterConfiguration.parse("env:\n" + exactly, path: "cluster.yaml").environment.count == limit)

        let longName = String(repeating: "N", count: ClusterConfiguration.maximumEnvironmentNameLength + 1)
        let nameError = refusal("env:\n  \(longName): x\n")
        #expect(nameError?.field == "env.\(longName.prefix(40))…")
        #expect(nameError?.message == "is a variable name 256 characters long; the limit is 255")

        let bytes = ClusterConfiguration.maximumEnvironmentValueBytes
        let longValue = String(repeating: "v", count: bytes + 1)
        let valueError = refusal("env:\n  A: \(longValue)\n")
        #expect(
            valueError?.description
                == "cluster.yaml:2:6: field 'env.A': is \(bytes + 1) bytes long; the limit is \(bytes)"
        )
        let fits = try ClusterConfiguration.parse("env:\n  A: \(String(longValue.dropFirst()))\n", path: "cluster.yaml")
        #expect(fits.environment["A"]?.utf8.count == bytes)
    }

    @Test("misspelt or other tools' names for the new keys are pointed at env and workdir")
    func suggestionsIncludeTheNewKeys() {
        let cases: [(yaml: String, expected: String)] = [
            (
                "environment:\n  A: 1\n",
                "cluster.yaml:1:1: field 'environment': unknown key 'environment'; did you mean 'env'?"
            ),
            (
                "hosts:\n  - address: a\n    environment: {}\n",
                "cluster.yaml:3:5: field 'hosts[0].environment': unknown key 'environment'; did you mean 'env'?"
            ),
            (
                "hosts:\n  - address: a\n    working_directory: /tmp\n",
                "cluster.yaml:3:5: field 'hosts[0].working_directory': unknown key 'working_directory'; did you "
                    + "mean 'workdir'?"
            ),
            (
                "hosts:\n  - address: a\n    cwd: /tmp\n",
                "cluster.yaml:3:5: field 'hosts[0].cwd': unknown key 'cwd'; did you mean 'workdir'?"
            ),
            (
                "hosts:\n  - address: a\n    workdri: /tmp\n",
                "cluster.yaml:3:5: field 'hosts[0].workdri': unknown key 'workdri'; did you mean 'workdir'?"
            ),
            (
                "hosts:\n  - address: a\n    ENV: {}\n",
                "cluster.yaml:3:5: field 'hosts[0].ENV': unknown key 'ENV'; did you mean 'env'?"
            ),
            (
                "workdir: /tmp\n",
                "cluster.yaml:1:1: field 'workdir': unknown key 'workdir'; 'workdir' belongs in an entry of 'hosts:'"
            ),
        ]
        for (yaml, expected) in cases {
            let error = refusal(yaml)
            #expect(error?.description == expected, "\(error?.description ?? "no error")")
        }
    }
}
