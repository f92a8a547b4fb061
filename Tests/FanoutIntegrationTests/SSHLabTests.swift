import FanoutProtocol
import Foundation
import Testing

extension IntegrationSuite {
    private static func fanout(_ arguments: [String]) throws -> ProcessHarness.Output {
        try ProcessHarness.run(try Self.product("fanout"), arguments, directory: NSTemporaryDirectory())
    }

    /// Tasks done per host, from `--format jsonl` output.
    private static func tasksPerHost(_ output: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in output.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            counts[try #require(object["host"] as? String), default: 0] += 1
        }
        return counts
    }

    @Test(
        "lab: every built-in job over 3 SSH hosts plus a local worker equals the sequential result",
        .enabled(if: LabEnvironment.enabled)
    )
    func labRunsEveryJob() throws {
        let lab = try LabEnvironment.up()
        let cluster = try lab.clusterFile("all", replacing: [("workers: 0", "workers: 1")])
        let jobs: [(arguments: [String], summary: String)] = [
            (["primes", "--limit", "400000", "--tasks", "60"], "primes below 400000: 33860"),
            (["sum-squares", "--tasks", "60", "--n", "300000"], "60 correct, 0 wrong"),
            (["pi", "--tasks", "60", "--samples", "100000", "--seed", "5"], "pi ≈"),
            (
                ["mandelbrot", "--width", "200", "--height", "60", "--output", NSTemporaryDirectory() + "lab.pgm"],
                "60 rows"
            ),
            (["sleep", "--tasks", "60", "--milliseconds", "20"], "total time slept: 1200 ms"),
            (["noop", "--tasks", "3000"], "outputs equal to their task index: 3000 of 3000"),
        ]
        for job in jobs {
            let output = try Self.fanout(
                ["run"] + job.arguments + ["--cluster", cluster, "--format", "jsonl", "--speedup"]
            )
            #expect(output.status == 0, "\(job.arguments[0]): \(output.standardError)")
            #expect(output.standardError.contains(job.summary), "\(job.arguments[0]): \(output.standardError)")
            #expect(
                output.standardError.contains("results identical to the sequential run: yes"),
                "\(job.arguments[0])"
            )
            let perHost = try Self.tasksPerHost(output.standardOutput)
            for host in lab.hosts {
                #expect((perHost[host] ?? 0) > 0, "\(job.arguments[0]): host \(host) did no task: \(perHost)")
            }
        }
        #expect(lab.waitUntilNoWorkers(timeout: .seconds(10)), "worker processes left in the lab after normal runs")
    }

    @Test(
        "lab: a Debian 11 host (glibc 2.31) runs jobs with the static worker; the host table shows it",
        .enabled(if: LabEnvironment.enabled)
    )
    func labRunsJobsOnDebian11() throws {
        let lab = try LabEnvironment.up()
        let host = try #require(lab.bullseyeHosts.first, "the lab has no Debian 11 host")
        let number = try #require(lab.hosts.firstIndex(of: host)) + 1
        let release = try String(
            contentsOfFile: "\(lab.directory)/roots/h\(number)/etc/debian_version",
            encoding: .utf8
        )
        #expect(release.hasPrefix("11."), "\(release)")

        let check = try Self.fanout(["hosts", "check", "--cluster", lab.cluster])
        #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
        let row = try #require(check.standardOutput.split(separator: "\n").first { $0.hasPrefix(host + " ") })
        #expect(row.contains(" 2.31 ") && row.hasSuffix("ok"), "\(row)")
        #expect(check.standardOutput.contains("x86_64, static, Linux ≥ 3.2"), "\(check.standardOutput)")

        // Only the Debian 11 host: its results must come back from its own workers.
        let others = lab.hosts.enumerated().filter { $0.element != host }
        let only = try lab.clusterFile(
            "bullseye",
            replacing: others.map { ("  - address: \($0.element)\n    user: fanout-h\($0.offset + 1)\n", "") }
        )
        let run = try Self.fanout([
            "run", "sum-squares", "--tasks", "40", "--n", "200000", "--cluster", only, "--format", "jsonl",
            "--wait-for-workers",
        ])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("40 correct, 0 wrong"), "\(run.standardError)")
        #expect(try Self.tasksPerHost(run.standardOutput) == [host: 40], "\(run.standardOutput)")
        #expect(run.standardError.contains(host), "the host table names the Debian 11 host: \(run.standardError)")
    }

    @Test(
        "lab: a worker linked against this machine's glibc is refused on the Debian 11 host, and says why",
        .enabled(if: LabEnvironment.enabled)
    )
    func labRefusesADynamicWorkerOnDebian11() throws {
        let lab = try LabEnvironment.up()
        let host = try #require(lab.bullseyeHosts.first, "the lab has no Debian 11 host")
        // The test build's worker: dynamic, needs this machine's glibc (2.36).
        let dynamic = try Self.product("fanout-worker")
        let cluster = try lab.clusterFile("dynamic", replacing: [("ssh:\n", "ssh:\n  worker_binary: \(dynamic)\n")])
        let check = try Self.fanout(["hosts", "check", "--cluster", cluster])
        #expect(check.status == 1, "\(check.standardOutput)")
        #expect(
            check.standardOutput.contains("\(host): host has glibc 2.31, the worker binary needs at least 2."),
            "\(check.standardOutput)"
        )
        #expect(check.standardOutput.contains("1 of 3 hosts cannot run workers"), "\(check.standardOutput)")
    }

    @Test(
        "lab: an unknown host key, a changed host key and an unauthorised user key are each refused",
        .enabled(if: LabEnvironment.enabled)
    )
    func labRefusesBadKeys() throws {
        let lab = try LabEnvironment.up()
        let emptyKnownHosts = NSTemporaryDirectory() + "empty-known-hosts-\(UUID().uuidString)"
        try "".write(toFile: emptyKnownHosts, atomically: true, encoding: .utf8)
        let unknown = try Self.fanout([
            "hosts", "check", "--cluster",
            try lab.clusterFile("unknown", replacing: [(lab.knownHosts, emptyKnownHosts)]),
        ])
        #expect(unknown.status == 1)
        #expect(unknown.standardOutput.contains("is not known"), "\(unknown.standardOutput)")
        #expect(unknown.standardOutput.contains("SHA256:"))
        #expect(unknown.standardOutput.contains("fanout hosts trust"))

        // Every host's line in known_hosts now carries host 1's keys: host 2 and 3 present "changed" keys.
        let original = try String(contentsOfFile: lab.knownHosts, encoding: .utf8)
        let first = lab.hosts[0]
        var swapped = original.split(separator: "\n").filter { $0.hasPrefix(first + " ") }.map(String.init)
        for host in lab.hosts.dropFirst() {
            swapped += original.split(separator: "\n").filter { $0.hasPrefix(first + " ") }
                .map { host + $0.dropFirst(first.count) }
        }
        let changedKnownHosts = NSTemporaryDirectory() + "changed-known-hosts-\(UUID().uuidString)"
        try (swapped.joined(separator: "\n") + "\n").write(toFile: changedKnownHosts, atomically: true, encoding: .utf8)
        let changed = try Self.fanout([
            "hosts", "check", "--cluster",
            try lab.clusterFile("changed", replacing: [(lab.knownHosts, changedKnownHosts)]),
        ])
        #expect(changed.status == 1)
        #expect(changed.standardOutput.contains("HAS CHANGED"), "\(changed.standardOutput)")
        #expect(changed.standardOutput.contains("changed"))

        let unauthorized = try Self.fanout([
            "hosts", "check", "--cluster",
            try lab.clusterFile("unauthorized", replacing: [(lab.key, lab.unauthorizedKey)]),
        ])
        #expect(unauthorized.status == 1)
        #expect(unauthorized.standardOutput.lowercased().contains("authentication"), "\(unauthorized.standardOutput)")

        let good = try Self.fanout(["hosts", "check", "--cluster", lab.cluster])
        #expect(good.status == 0, "\(good.standardOutput)\(good.standardError)")
    }

    @Test(
        "lab: a second run does not upload again; a corrupt binary on a host is replaced, never run",
        .enabled(if: LabEnvironment.enabled)
    )
    func labDeploysOnce() throws {
        let lab = try LabEnvironment.up()
        _ = try Self.fanout(["deploy", "--cluster", lab.cluster])
        let second = try Self.fanout(["deploy", "--cluster", lab.cluster])
        #expect(second.status == 0, "\(second.standardOutput)\(second.standardError)")
        #expect(second.standardOutput.contains("uploaded to 0 hosts, 3 already current"), "\(second.standardOutput)")

        // Truncate host 2's binary in place: the name is right, the bytes are not.
        let cache = "\(lab.directory)/h2/home/.cache/fanout"
        let digest = try BinaryDigest.ofFile(atPath: LabEnvironment.repositoryRoot + "/.build-static/fanout-worker")
        let binary = "fanout-worker-\(digest)"
        #expect(FileManager.default.fileExists(atPath: cache + "/" + binary))
        let handle = try #require(FileHandle(forWritingAtPath: cache + "/" + binary))
        try handle.truncate(atOffset: 4096)
        try handle.close()
        let run = try Self.fanout([
            "run", "noop", "--tasks", "500", "--cluster", lab.cluster, "--format", "jsonl", "--wait-for-workers",
        ])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("uploaded"), "host 2 should have been re-deployed: \(run.standardError)")
        let size = try FileManager.default.attributesOfItem(atPath: cache + "/" + binary)[.size] as? Int
        #expect((size ?? 0) > 4096)
    }

    @Test(
        "lab: with one host's sshd stopped the run completes on the others and the table names that host",
        .enabled(if: LabEnvironment.enabled)
    )
    func labSurvivesStoppedHost() throws {
        let lab = try LabEnvironment.up()
        try LabEnvironment.lab("stop-sshd", "2")
        defer { _ = try? LabEnvironment.lab("start-sshd", "2") }
        let run = try Self.fanout([
            "run", "primes", "--limit", "200000", "--tasks", "40", "--cluster", lab.cluster, "--format", "jsonl",
            "--wait-for-workers",
        ])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("primes below 200000: 17984"))
        let perHost = try Self.tasksPerHost(run.standardOutput)
        #expect(perHost[lab.hosts[1]] == nil)
        #expect((perHost[lab.hosts[0]] ?? 0) > 0 && (perHost[lab.hosts[2]] ?? 0) > 0)
        let row = run.standardError.split(separator: "\n").first {
            $0.hasPrefix(lab.hosts[1]) && $0.contains("UNUSABLE")
        }
        #expect(row != nil, "the host table should name \(lab.hosts[1]) as unusable: \(run.standardError)")
        #expect(run.standardError.contains("\(lab.hosts[1]):22") || run.standardError.contains("refused"))
    }

    @Test(
        "lab: after a killed coordinator no Fanout process is left in any lab namespace",
        .enabled(if: LabEnvironment.enabled)
    )
    func labLeavesNoOrphans() throws {
        let lab = try LabEnvironment.up()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.product("fanout"))
        process.arguments = [
            "run", "sleep", "--tasks", "3000", "--milliseconds", "20", "--cluster", lab.cluster, "--format", "jsonl",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the first result: remote workers are up.
        ProcessHarness.waitForFirstLine(of: out)
        #expect(!lab.workerProcesses().isEmpty, "remote workers should be running")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(
            lab.waitUntilNoWorkers(timeout: .seconds(10)),
            "remote workers outlived the coordinator: \(lab.workerProcesses())"
        )
    }
}

extension IntegrationSuite {
    @Test(
        "lab: a host whose network is cut mid-run is dropped and its tasks finish elsewhere: 10^4 tasks, each once",
        .enabled(if: LabEnvironment.enabled)
    )
    func labSurvivesCutHost() throws {
        let lab = try LabEnvironment.up()
        defer { _ = try? LabEnvironment.lab("heal", "2") }
        let run = try Self.sleepRun(on: lab) { try LabEnvironment.lab("cut", "2") }
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.rows.count == 10_000)
        #expect(Set(run.rows.compactMap { $0["task"] as? Int }) == Set(0..<10_000))
        #expect(run.rows.allSatisfy { $0["result"] as? Int == 2 })
        // Either the cut host was declared dead (heartbeat_timeout) before the end, or its tasks were copied to
        // idle workers as stragglers and finished there first.
        #expect(
            run.standardError.contains("lost") || run.standardError.contains("stragglers:"),
            "the summary should show host 2's worker as lost or its tasks copied: \(run.standardError)"
        )
    }

    /// Runs 10^4 sleep tasks of 2 ms on the lab (or on `cluster`), calls `disrupt` once the first result is out, and returns the exit
    /// status, the jsonl rows and stderr.
    static func sleepRun(
        on lab: LabEnvironment,
        cluster: String? = nil,
        disrupt: () throws -> Void
    ) throws -> (status: Int32, rows: [[String: Any]], standardError: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.product("fanout"))
        process.arguments = [
            "run", "sleep", "--tasks", "10000", "--milliseconds", "2", "--cluster", cluster ?? lab.cluster,
            "--format", "jsonl",
            "--wait-for-workers",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var output = ProcessHarness.waitForFirstLine(of: out)
        try disrupt()
        let errors = LockedData()
        let reader = Thread { errors.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        output.append(out.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        while !errors.isSet { usleep(1_000) }
        let rows = try String(decoding: output, as: UTF8.self).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        return (process.terminationStatus, rows, String(decoding: errors.value, as: UTF8.self))
    }
}

extension IntegrationSuite {
    @Test(
        "lab: fanout hosts trust --yes records the presented keys, after which the hosts check out",
        .enabled(if: LabEnvironment.enabled)
    )
    func labTrustRecordsKeys() throws {
        let lab = try LabEnvironment.up()
        let knownHosts = NSTemporaryDirectory() + "trusted-\(UUID().uuidString)/known_hosts"
        let cluster = try lab.clusterFile("trust", replacing: [(lab.knownHosts, knownHosts)])
        let before = try Self.fanout(["hosts", "check", "--cluster", cluster])
        #expect(before.status == 1)
        let trust = try Self.fanout(["hosts", "trust"] + lab.hosts + ["--yes", "--cluster", cluster])
        #expect(trust.status == 0, "\(trust.standardOutput)\(trust.standardError)")
        #expect(trust.standardOutput.contains("SHA256:"))
        let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8)
        for host in lab.hosts {
            #expect(recorded.contains(host + " "), "no known_hosts line for \(host)")
        }
        let after = try Self.fanout(["hosts", "check", "--cluster", cluster])
        #expect(after.status == 0, "\(after.standardOutput)\(after.standardError)")
    }
}

extension IntegrationSuite {
    @Test(
        "lab: when every process of a host is killed, its tasks are retried on other hosts: 10^4 tasks, each once",
        .enabled(if: LabEnvironment.enabled)
    )
    func labRetriesOnAnotherHost() throws {
        let lab = try LabEnvironment.up()
        let run = try Self.sleepRun(on: lab) { try LabEnvironment.lab("kill-host", "2") }
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.rows.count == 10_000)
        #expect(Set(run.rows.compactMap { $0["task"] as? Int }) == Set(0..<10_000))
        let retries = run.rows.filter { ($0["attempts"] as? Int ?? 1) > 1 }
        #expect(!retries.isEmpty, "the killed host held tasks, so some results must be retries")
        for retry in retries {
            #expect(retry["host"] as? String != lab.hosts[1], "a retry ran again on the host that died")
        }
        // The killed worker is replaced on its host (sshd survived), under a new id.
        #expect(run.standardError.contains("starting \(lab.hosts[1])-1.2"), "\(run.standardError)")
    }
}

extension IntegrationSuite {
    @Test(
        "lab: kill -9 of the coordinator mid-run, then --resume: 10^4 tasks on the lab hosts, each exactly once",
        .enabled(if: LabEnvironment.enabled)
    )
    func labResumeAfterKilledCoordinator() throws {
        let lab = try LabEnvironment.up()
        let journal = NSTemporaryDirectory() + "lab-\(UUID().uuidString).journal"
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let workload = [
            "run", "sleep", "--tasks", "10000", "--milliseconds", "2", "--cluster", lab.cluster, "--format", "jsonl",
        ]
        _ = try Self.killOnceJournalHolds(40_000, journal: journal, arguments: workload)
        #expect(lab.waitUntilNoWorkers(timeout: .seconds(10)), "remote workers outlived the coordinator")

        let resumed = try ProcessHarness.run(
            try Self.product("fanout"),
            workload + ["--journal", journal, "--resume", "--ordered"],
            directory: NSTemporaryDirectory()
        )
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let rows = resumed.standardOutput.split(separator: "\n")
        #expect(rows.count == 10_000)
        let got = try Self.taskResults(ofJSONLines: resumed.standardOutput)
        #expect(got.pairs == Dictionary(uniqueKeysWithValues: (0..<10_000).map { ($0, 2) }))
        #expect(!resumed.standardError.contains(": 0 results replayed"), "\(resumed.standardError)")
    }
}
