import FanoutConfiguration
import Testing

@testable import FanoutCoordinator

@Suite("fanout hosts check on a slurm: file")
struct SlurmCheckTests {
    /// `sinfo -h -N -o '%N|%P|%a|%t|%c|%l'` on the lab with node 2 killed.
    static let sinfo = """
        fanout-node1|lab*|up|idle|2|infinite
        fanout-node2|lab*|up|down*|2|infinite
        fanout-node3|lab*|up|mix|2|infinite
        big1|gpu|down|idle|64|1-00:00:00
        """

    @Test func parsesSinfoLines() {
        let nodes = SlurmNodeStatus.parse(Self.sinfo + "\nnot a line\n")
        #expect(nodes.count == 4)
        #expect(
            nodes[0]
                == SlurmNodeStatus(
                    name: "fanout-node1",
                    partition: "lab",
                    isDefaultPartition: true,
                    partitionUp: true,
                    state: "idle",
                    cpus: 2,
                    timeLimit: "infinite"
                )
        )
        #expect(nodes.map(\.isUsable) == [true, false, true, true])
        #expect(nodes[3].partitionUp == false)
    }

    @Test func saysWhyARequestCannotBeSatisfied() {
        let nodes = SlurmNodeStatus.parse(Self.sinfo)
        #expect(
            SlurmCheck.evaluate(SlurmSettings(partition: "lab", nodes: 2), nodes: nodes, allocation: nil).satisfiable
        )
        let defaultPartition = SlurmCheck.evaluate(SlurmSettings(nodes: 2), nodes: nodes, allocation: nil)
        #expect(defaultPartition.lines.first == "partition lab: up, 3 nodes, 2 usable, time limit infinite")
        #expect(
            SlurmCheck.evaluate(SlurmSettings(partition: "lab", nodes: 4), nodes: nodes, allocation: nil).problems
                == ["slurm.nodes is 4 but partition 'lab' has 3 nodes"]
        )
        #expect(
            SlurmCheck.evaluate(SlurmSettings(partition: "lab", nodes: 3), nodes: nodes, allocation: nil).problems
                == [
                    "slurm.nodes is 3 but only 2 nodes of partition 'lab' are usable now (fanout-node2 down*): the "
                        + "allocation would wait until they return"
                ]
        )
        #expect(
            SlurmCheck.evaluate(SlurmSettings(partition: "gpu", nodes: 1), nodes: nodes, allocation: nil).problems
                == ["partition 'gpu' is down: no job can start there"]
        )
        #expect(
            SlurmCheck.evaluate(SlurmSettings(partition: "cpu"), nodes: nodes, allocation: nil).problems
                == ["partition 'cpu' does not exist (partitions: gpu, lab)"]
        )
        #expect(
            SlurmCheck.evaluate(SlurmSettings(partition: "lab", cpusPerNode: .count(4)), nodes: nodes, allocation: nil)
                .problems == ["slurm.cpus_per_node is 4 but only 0 nodes of partition 'lab' have that many CPUs"]
        )
        let inside = SlurmAllocation(jobID: "5", nodes: [SlurmNode(name: "a", cpus: 3)], obtained: false)
        #expect(
            SlurmCheck.evaluate(SlurmSettings(), nodes: nodes, allocation: inside).lines
                == ["inside Slurm job 5: workers start on a (3 CPUs)"]
        )
    }
}
