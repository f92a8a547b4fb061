import FanoutConfiguration
import Testing

@testable import FanoutCoordinator

@Suite("Reading Slurm's output and variables")
struct SlurmOutputParserTests {
    @Test func hostLists() throws {
        #expect(
            try SlurmOutputParser.hostNames("fanout-node[1-3]") == ["fanout-node1", "fanout-node2", "fanout-node3"]
        )
        #expect(try SlurmOutputParser.hostNames("n[01-02,05],gpu7") == ["n01", "n02", "n05", "gpu7"])
        #expect(try SlurmOutputParser.hostNames("solo") == ["solo"])
        #expect(throws: SlurmError.self) { try SlurmOutputParser.hostNames("n[1-") }
        #expect(throws: SlurmError.self) { try SlurmOutputParser.hostNames("") }
    }

    @Test func cpusPerNode() throws {
        #expect(try SlurmOutputParser.cpusPerNode("1(x3)") == [1, 1, 1])
        #expect(try SlurmOutputParser.cpusPerNode("4,2(x2),8") == [4, 2, 2, 8])
        #expect(try SlurmOutputParser.cpusPerNode("16") == [16])
        for bad in ["", "x", "2(3)", "2(x0)", "0", "2(x5000)"] {
            #expect(throws: SlurmError.self, "\(bad)") { try SlurmOutputParser.cpusPerNode(bad) }
        }
    }

    @Test func sallocLines() {
        #expect(SlurmOutputParser.sallocJobID("salloc: Granted job allocation 12") == "12")
        #expect(SlurmOutputParser.sallocJobID("salloc: Pending job allocation 4051") == "4051")
        #expect(SlurmOutputParser.sallocJobID("salloc: job 12 queued and waiting for resources") == nil)
        #expect(SlurmOutputParser.sallocJobID("salloc: error: invalid partition specified: gpu") == nil)
    }

    /// `scontrol show job -d -o 1` on the lab (22.05), 1 CPU on each of 3 nodes.
    static let labJob =
        "JobId=1 JobName=no-shell UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901759 Nice=0 "
        + "Account=(null) QOS=(null) JobState=RUNNING Reason=None Dependency=(null) Requeue=1 Restarts=0 "
        + "BatchFlag=0 Reboot=0 ExitCode=0:0 DerivedExitCode=0:0 RunTime=00:00:03 TimeLimit=00:02:00 TimeMin=N/A "
        + "Partition=lab AllocNode:Sid=localhost:26480 ReqNodeList=(null) ExcNodeList=(null) "
        + "NodeList=fanout-node[1-3] BatchHost=fanout-node1 NumNodes=3 NumCPUs=3 NumTasks=3 CPUs/Task=1 "
        + "ReqB:S:C:T=0:0:*:* TRES=cpu=3,node=3,billing=3 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* "
        + "JOB_GRES=(null)   Nodes=fanout-node[1-3] CPU_IDs=0 Mem=0 GRES= MinCPUsNode=1 MinMemoryNode=0 "
        + "MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=OK Contiguous=0 Licenses=(null) "
        + "Network=(null) Command=(null) WorkDir=/tmp Power= \n"

    @Test func jobDetail() throws {
        let detail = try SlurmOutputParser.jobDetail(Self.labJob)
        #expect(detail.state == "RUNNING")
        #expect(detail.nodes == ["fanout-node1", "fanout-node2", "fanout-node3"].map { SlurmNode(name: $0, cpus: 1) })
        let mixed = "JobState=RUNNING Nodes=a[1-2] CPU_IDs=0-3 Mem=0 GRES= Nodes=b7 CPU_IDs=0,2,4-5 Mem=0"
        #expect(
            try SlurmOutputParser.jobDetail(mixed).nodes == [
                SlurmNode(name: "a1", cpus: 4), SlurmNode(name: "a2", cpus: 4), SlurmNode(name: "b7", cpus: 4),
            ]
        )
        #expect(throws: SlurmError.self) { try SlurmOutputParser.jobDetail("JobState=PENDING NodeList=(null)") }
        #expect(throws: SlurmError.self) { try SlurmOutputParser.jobDetail("Nodes=a1 CPU_IDs=3-1") }
    }

    @Test func allocationFromTheEnvironment() throws {
        #expect(try SlurmAllocation.current(environment: [:]) == nil)
        let allocation = try SlurmAllocation.current(environment: [
            "SLURM_JOB_ID": "42", "SLURM_JOB_NODELIST": "fanout-node[1-3]", "SLURM_JOB_CPUS_PER_NODE": "2,1(x2)",
        ])
        #expect(
            allocation
                == SlurmAllocation(
                    jobID: "42",
                    nodes: [
                        SlurmNode(name: "fanout-node1", cpus: 2), SlurmNode(name: "fanout-node2", cpus: 1),
                        SlurmNode(name: "fanout-node3", cpus: 1),
                    ],
                    obtained: false
                )
        )
        #expect(throws: SlurmError.self) {
            try SlurmAllocation.current(environment: [
                "SLURM_JOB_ID": "42", "SLURM_JOB_NODELIST": "n[1-3]", "SLURM_JOB_CPUS_PER_NODE": "2(x2)",
            ])
        }
        #expect(throws: SlurmError.self) { try SlurmAllocation.current(environment: ["SLURM_JOB_ID": "42"]) }
    }
}
