import Foundation
import Testing

/// Fanout on the Slurm lab's 3 nodes: workers started by srun, allocations obtained and always released, nodes
/// lost mid-run. Serialized with the other integration tests, and holding the Slurm lab's lock.
extension IntegrationSuite {
    private static func fanoutOnSlurm(
        _ arguments: [String],
        timeout: Duration = .seconds(120)
    ) throws
        -> ProcessHarness.Output
    {
        try ProcessHarness.run(
            try Self.product("fanout"),
            arguments,
            directory: NSTemporaryDirectory(),
            timeout: timeout
        )
    }

    /// Starts `fanout ARGS…` in the background, its output going to files (read them after it ended).
    private static func startFanout(_ arguments: [String], name: String) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.product("fanout"))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        let outputPath = NSTemporaryDirectory() + "fanout-slurm-\(name)-\(UUID().uuidString).out"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, outputPath)
    }

    @Test(
        "slurm lab: fanout run primes obtains an allocation, runs one worker on each of the 3 nodes, releases it",
        .enabled(if: SlurmLabEnvironment.isRoot, "needs root for the Slurm lab")
    )
    func slurmLabRunsOnEveryNode() throws {
        let lab = try SlurmLabEnvironment.up()
        let run = try Self.fanoutOnSlurm(
            ["run", "primes", "--cluster", lab.cluster, "--format", "jsonl", "--wait-for-workers"]
        )
        #expect(run.status == 0, "\(run.standardError)")
        var hosts: Set<String> = []
        var workers: Set<String> = []
        for line in run.standardOutput.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let host = object["host"] as? String, let worker = object["worker"] as? String
            else { continue }
            hosts.insert(host)
            workers.insert(worker)
        }
        #expect(hosts == Set(lab.nodes), "\(run.standardOutput.prefix(2000))")
        #expect(workers == Set(lab.nodes.map { "slurm-\($0)" }))
        #expect(run.standardError.contains("primes below 5000000: 348513"), "\(run.standardError)")
        #expect(SlurmLabEnvironment.waitUntilNoFanoutJobs(timeout: .seconds(5)), "\(SlurmLabEnvironment.fanoutJobs())")
    }

    @Test(
        "slurm lab: the allocation is released after SIGINT and after SIGKILL of the coordinator",
        .enabled(if: SlurmLabEnvironment.isRoot, "needs root for the Slurm lab"),
        arguments: [SIGINT, SIGKILL]
    )
    func slurmLabAllocationReleasedOnSignal(_ signal: Int32) throws {
        let lab = try SlurmLabEnvironment.up()
        let (process, outputPath) = try Self.startFanout(
            ["run", "sleep", "--tasks", "200", "--milliseconds", "200", "--summary-only", "--cluster", lab.cluster],
            name: "signal"
        )
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let job = SlurmLabEnvironment.waitForRunningFanoutJob(timeout: .seconds(30))
        #expect(job != nil, "no Fanout job ran: \(SlurmLabEnvironment.fanoutJobs())")
        // Workers are running tasks on the nodes.
        let deadline = ContinuousClock.now + .seconds(20)
        while SlurmLabEnvironment.nodeWorkers().count < lab.nodes.count, ContinuousClock.now < deadline {
            usleep(50_000)
        }
        usleep(500_000)
        kill(process.processIdentifier, signal)
        #expect(ProcessHarness.waitUntilExit(process, timeout: .seconds(20)))
        if signal == SIGINT {
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 130, "\(output)")
            #expect(output.contains("run stopped"), "\(output)")
        }
        #expect(SlurmLabEnvironment.waitUntilNoFanoutJobs(timeout: .seconds(5)), "\(SlurmLabEnvironment.fanoutJobs())")
        let start = ContinuousClock.now
        while !SlurmLabEnvironment.nodeWorkers().isEmpty, ContinuousClock.now - start < .seconds(10) { usleep(50_000) }
        #expect(SlurmLabEnvironment.nodeWorkers().isEmpty, "workers left on the nodes")
    }

    @Test(
        "slurm lab: a node killed mid-run has its tasks retried on the other nodes; every task completes",
        .enabled(if: SlurmLabEnvironment.isRoot, "needs root for the Slurm lab")
    )
    func slurmLabKilledNodeTasksRetried() throws {
        let lab = try SlurmLabEnvironment.up()
        defer { _ = try? SlurmLabEnvironment.lab("resume-node", "2") }
        let (process, outputPath) = try Self.startFanout(
            [
                "run", "sleep", "--tasks", "60", "--milliseconds", "300", "--summary-only", "--wait-for-workers",
                "--cluster", lab.cluster,
            ],
            name: "kill-node"
        )
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let deadline = ContinuousClock.now + .seconds(30)
        while SlurmLabEnvironment.nodeWorkers().count < lab.nodes.count, ContinuousClock.now < deadline {
            usleep(50_000)
        }
        usleep(1_500_000)
        let killed = try SlurmLabEnvironment.lab("kill-node", "2")
        #expect(killed.status == 0, "\(killed.standardError)")
        #expect(ProcessHarness.waitUntilExit(process, timeout: .seconds(90)))
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("60 of 60 tasks done, 60 ok, 0 failed"), "\(output)")
        #expect(output.contains("tasks reassigned after a worker was lost"), "\(output)")
        #expect(output.contains("lost"), "\(output)")
        #expect(SlurmLabEnvironment.waitUntilNoFanoutJobs(timeout: .seconds(5)), "\(SlurmLabEnvironment.fanoutJobs())")
    }

    @Test(
        "slurm lab: scancel of the job ends the run with the partial summary and exit status 1",
        .enabled(if: SlurmLabEnvironment.isRoot, "needs root for the Slurm lab")
    )
    func slurmLabScancelEndsTheRun() throws {
        let lab = try SlurmLabEnvironment.up()
        let (process, outputPath) = try Self.startFanout(
            ["run", "sleep", "--tasks", "200", "--milliseconds", "200", "--summary-only", "--cluster", lab.cluster],
            name: "scancel"
        )
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let job = try #require(SlurmLabEnvironment.waitForRunningFanoutJob(timeout: .seconds(30)))
        let deadline = ContinuousClock.now + .seconds(20)
        while SlurmLabEnvironment.nodeWorkers().count < lab.nodes.count, ContinuousClock.now < deadline {
            usleep(50_000)
        }
        usleep(800_000)
        _ = try ProcessHarness.run("/usr/bin/scancel", [job])
        #expect(ProcessHarness.waitUntilExit(process, timeout: .seconds(30)))
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 1, "\(output)")
        #expect(output.contains("of 200 tasks done"), "\(output)")
        // The scheduler stops the run as soon as the last worker is lost, which comes before srun's own end.
        #expect(output.contains("run stopped: no usable workers left"), "\(output)")
        #expect(SlurmLabEnvironment.waitUntilNoFanoutJobs(timeout: .seconds(5)), "\(SlurmLabEnvironment.fanoutJobs())")
    }

    @Test(
        "slurm lab: inside an allocation (salloc COMMAND) the workers start on its nodes, and it is left alone",
        .enabled(if: SlurmLabEnvironment.isRoot, "needs root for the Slurm lab")
    )
    func slurmLabInsideAnAllocation() throws {
        let lab = try SlurmLabEnvironment.up()
        let run = try ProcessHarness.run(
            "/usr/bin/salloc",
            [
                "-N3", "-p", lab.partition, "-t", "5", "-J", "inside-test", try Self.product("fanout"), "run", "noop",
                "--tasks", "3000", "--summary-only", "--wait-for-workers", "--cluster", lab.cluster,
            ],
            directory: NSTemporaryDirectory(),
            timeout: .seconds(120)
        )
        #expect(run.status == 0, "\(run.standardError)")
        for node in lab.nodes {
            #expect(run.standardOutput.contains("slurm-\(node)") || run.standardError.contains("slurm-\(node)"))
        }
        #expect(SlurmLabEnvironment.fanoutJobs().isEmpty)
    }

    @Test(
        "slurm lab: hosts check shows the partition's nodes and refuses a request it cannot satisfy",
        .enabled(if: SlurmLabEnvironment.isRoot, "needs root for the Slurm lab")
    )
    func slurmLabHostsCheck() throws {
        let lab = try SlurmLabEnvironment.up()
        let good = try Self.fanoutOnSlurm(["hosts", "check", "--cluster", lab.cluster])
        #expect(good.status == 0, "\(good.standardOutput)\(good.standardError)")
        #expect(good.standardOutput.contains("partition \(lab.partition): up, 3 nodes, 3 usable"))
        for node in lab.nodes { #expect(good.standardOutput.contains(node)) }
        let tooMany = try lab.clusterFile("too-many", replacing: [("nodes: 3", "nodes: 5")])
        defer { try? FileManager.default.removeItem(atPath: tooMany) }
        let bad = try Self.fanoutOnSlurm(["hosts", "check", "--cluster", tooMany])
        #expect(bad.status == 1)
        #expect(bad.standardOutput.contains("slurm.nodes is 5 but partition '\(lab.partition)' has 3 nodes"))
    }
}
