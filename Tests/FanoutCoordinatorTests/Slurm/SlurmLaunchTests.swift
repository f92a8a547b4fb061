import FanoutConfiguration
import FanoutProtocol
import Logging
import Testing

@testable import FanoutCoordinator

@Suite("What the Slurm launcher runs")
struct SlurmLaunchTests {
    private func context() -> LaunchContext {
        LaunchContext(
            coordinatorHost: "10.214.0.1",
            coordinatorPort: 7000,
            secret: RunSecret.random(),
            channelSecurity: .plain,
            maximumFrameBytes: 16_777_216,
            ended: { _, _ in },
            announce: { _ in },
            fail: { _ in }
        )
    }

    @Test func sallocAsksForTheSettingsUnderTheJobName() {
        let request = SlurmAllocationRequest(
            settings: SlurmSettings(
                partition: "lab",
                nodes: 3,
                time: "00:10:00",
                account: "phys",
                cpusPerNode: .count(2)
            ),
            jobName: "fanout-0123456789abcdef"
        )
        #expect(
            request.sallocArguments == [
                "--no-shell", "--no-kill", "--job-name=fanout-0123456789abcdef", "--nodes=3", "--ntasks-per-node=1",
                "--partition=lab", "--time=00:10:00", "--account=phys", "--cpus-per-task=2",
            ]
        )
        let whole = SlurmAllocationRequest(settings: SlurmSettings(nodes: 1, cpusPerNode: .all), jobName: "j")
        #expect(whole.sallocArguments.last == "--exclusive")
        let name = SlurmAllocationRequest.randomJobName()
        #expect(name.hasPrefix("fanout-") && name.count == 23)
        #expect(name != SlurmAllocationRequest.randomJobName())
    }

    @Test func srunStartsOneWorkerPerNodeWithValuesOutsideTheScript() {
        var launcher = SlurmLauncher(
            settings: SlurmSettings(srunOptions: ["--cpu-bind=cores"]),
            executable: WorkerExecutable(path: "/shared/fanout-worker"),
            environment: [:],
            logger: Logger(label: "test")
        )
        let allocation = SlurmAllocation(
            jobID: "9",
            nodes: [SlurmNode(name: "n1", cpus: 2), SlurmNode(name: "n2", cpus: 2)],
            obtained: true
        )
        let arguments = launcher.srunArguments(in: allocation, context: self.context())
        #expect(
            arguments == [
                "--jobid=9", "--nodes=2", "--ntasks=2", "--ntasks-per-node=1", "--no-kill", "--kill-on-bad-exit=0",
                "--job-name=fanout-workers", "--cpu-bind=cores", "sh", "-c", SlurmLauncher.nodeScript,
                "/shared/fanout-worker", "10.214.0.1", "7000", "--max-frame-bytes", "16777216",
            ]
        )
        // Inside the user's allocation: no --jobid; zero-config: the host is left to SLURM_LAUNCH_NODE_IPADDR.
        launcher.dialLaunchNodeAddress = true
        let inside = launcher.srunArguments(
            in: SlurmAllocation(jobID: "9", nodes: allocation.nodes, obtained: false),
            context: self.context()
        )
        #expect(!inside.contains("--jobid=9"))
        #expect(inside.contains("") && inside.first == "--nodes=2")
        #expect(!SlurmLauncher.nodeScript.contains("10.214"))
        #expect(SlurmLauncher.nodeScript.contains("--id \"slurm-$SLURMD_NODENAME\""))
        #expect(SlurmNode(name: "n1", cpus: 2).workerID == "slurm-n1")
    }

    @Test func watchdogScriptTakesTheNameAsAnArgument() {
        #expect(SlurmWatchdog.script == "read -r _; exec scancel --quiet --name=\"$1\"")
    }
}
