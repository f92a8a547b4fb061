import FanoutConfiguration
import Testing

@Suite("The slurm: section of cluster.yaml")
struct SlurmConfigurationTests {
    private func parse(_ text: String) throws -> ClusterConfiguration {
        try ClusterConfiguration.parse(text, path: "cluster.yaml")
    }

    private func failure(_ text: String) -> String {
        do {
            _ = try self.parse(text)
            return "parsed"
        } catch {
            return "\(error)"
        }
    }

    @Test func theLabFileParses() throws {
        let configuration = try self.parse(
            """
            coordinator:
              listen: 10.214.0.1:0
            local:
              workers: 0
            slurm:
              partition: lab
              nodes: 3
              time: "00:10:00"
            """
        )
        #expect(configuration.slurm == SlurmSettings(partition: "lab", nodes: 3, time: "00:10:00"))
        #expect(configuration.local.workers == .count(0))
    }

    @Test func everyKey() throws {
        let configuration = try self.parse(
            """
            slurm:
              partition: batch-1
              nodes: 16
              time: 1-12:00
              account: phys.group_2
              srun_options: ["--cpu-bind=cores", "--mpi=none"]
              cpus_per_node: 8
            """
        )
        #expect(
            configuration.slurm
                == SlurmSettings(
                    partition: "batch-1",
                    nodes: 16,
                    time: "1-12:00",
                    account: "phys.group_2",
                    srunOptions: ["--cpu-bind=cores", "--mpi=none"],
                    cpusPerNode: .count(8)
                )
        )
        #expect(try self.parse("slurm:\n  cpus_per_node: all\n").slurm?.cpusPerNode == .all)
        #expect(try self.parse("slurm: {}\n").slurm == SlurmSettings())
    }

    @Test func withoutSlurmTheSectionIsAbsent() throws {
        #expect(try self.parse("local:\n  workers: 2\n").slurm == nil)
    }

    @Test(arguments: ["30", "30:00", "01:30:00", "2-00", "2-12:30", "2-12:30:15"])
    func slurmTimeForms(_ time: String) throws {
        #expect(try self.parse("slurm:\n  time: \"\(time)\"\n").slurm?.time == time)
    }

    @Test func badValuesNameFileLineAndField() {
        #expect(
            self.failure("slurm:\n  nodes: 0\n")
                == "cluster.yaml:2:10: field 'slurm.nodes': must be between 1 and 4096, got 0"
        )
        #expect(
            self.failure("slurm:\n  time: soon\n").hasPrefix("cluster.yaml:2:9: field 'slurm.time': expected a Slurm")
        )
        #expect(
            self.failure("slurm:\n  partition: --uid=0\n").hasPrefix(
                "cluster.yaml:2:14: field 'slurm.partition': expected a name"
            )
        )
        #expect(self.failure("slurm:\n  account: \"a b\"\n").contains("field 'slurm.account'"))
        #expect(self.failure("slurm:\n  srun_options: --cpu-bind=cores\n").contains("expected a list of srun options"))
        #expect(
            self.failure("slurm:\n  srun_options: [\"hostname\"]\n").hasPrefix(
                "cluster.yaml:2:18: field 'slurm.srun_options[0]': expected an srun option starting with '-'"
            )
        )
        #expect(self.failure("slurm:\n  cpus_per_node: some\n").contains("expected 'all' or an integer"))
        #expect(self.failure("slurm:\n  cpus_per_node: 0\n").contains("must be between 1 and 4096"))
    }

    @Test func controlCharactersInSrunOptionsAreRefused() {
        let message = self.failure("slurm:\n  srun_options: [\"--cpu-bind=cores\\n--uid=0\"]\n")
        #expect(message.contains("field 'slurm.srun_options[0]': must not contain control characters (U+000A"))
    }

    @Test func misspeltKeysGetSuggestions() {
        #expect(self.failure("slurm:\n  partiton: lab\n").contains("partition"))
        #expect(self.failure("partition: lab\n").contains("belongs in the 'slurm:' section"))
    }

    @Test func slurmAndHostsTogetherAreRefused() {
        let message = self.failure("hosts:\n  - address: a.lan\nslurm:\n  nodes: 2\n")
        #expect(message.hasPrefix("cluster.yaml:1:1: field 'hosts': cannot be used with 'slurm:'"))
    }

    @Test func slurmAloneNeedsNoLocalWorkers() throws {
        #expect(try self.parse("local:\n  workers: 0\nslurm:\n  nodes: 1\n").slurm?.nodes == 1)
    }
}
