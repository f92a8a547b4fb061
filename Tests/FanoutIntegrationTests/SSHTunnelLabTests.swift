import Foundation
import Testing

extension IntegrationSuite {
    /// The lab's cluster with `transport: ssh-tunnel` and the listener on loopback, where no lab host can reach it
    /// (each host has its own network namespace, hence its own 127.0.0.1): every worker connection must travel
    /// inside its SSH session.
    private static func tunnelCluster(_ lab: LabEnvironment, _ name: String) throws -> String {
        try lab.clusterFile(
            name,
            replacing: [
                ("listen: \(lab.coordinatorAddress):0", "listen: 127.0.0.1:0"),
                ("local:", "transport: ssh-tunnel\nlocal:"),
            ]
        )
    }

    @Test(
        "lab: transport ssh-tunnel runs 10^4 tasks on every host with the coordinator listening on loopback only",
        .enabled(if: LabEnvironment.enabled)
    )
    func labTunnelCarriesWorkers() throws {
        let lab = try LabEnvironment.up()
        let cluster = try Self.tunnelCluster(lab, "tunnel")
        let run = try ProcessHarness.run(
            try Self.product("fanout"),
            ["run", "noop", "--tasks", "10000", "--cluster", cluster, "--format", "jsonl", "--wait-for-workers"],
            directory: NSTemporaryDirectory()
        )
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("outputs equal to their task index: 10000 of 10000"), "\(run.standardError)")
        var perHost: [String: Int] = [:]
        var tasks: Set<Int> = []
        for line in run.standardOutput.split(separator: "\n") {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            perHost[try #require(row["host"] as? String), default: 0] += 1
            tasks.insert(try #require(row["task"] as? Int))
        }
        #expect(tasks == Set(0..<10_000))
        for host in lab.hosts {
            #expect((perHost[host] ?? 0) > 0, "host \(host) did no task through its tunnel: \(perHost)")
        }
        #expect(lab.waitUntilNoWorkers(timeout: .seconds(10)), "tunnelled workers outlived the run")
    }

    @Test(
        "lab: over ssh-tunnel, a host whose processes are killed mid-run gets a new worker and no task is lost",
        .enabled(if: LabEnvironment.enabled)
    )
    func labTunnelReplacesKilledWorker() throws {
        let lab = try LabEnvironment.up()
        let cluster = try Self.tunnelCluster(lab, "tunnel-kill")
        let run = try Self.sleepRun(on: lab, cluster: cluster) { try LabEnvironment.lab("kill-host", "2") }
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.rows.count == 10_000)
        #expect(Set(run.rows.compactMap { $0["task"] as? Int }) == Set(0..<10_000))
        #expect(run.rows.allSatisfy { $0["result"] as? Int == 2 })
        let replacement = "\(lab.hosts[1])-1.2"
        #expect(run.standardError.contains("starting \(replacement)"), "\(run.standardError)")
        let byReplacement = run.rows.filter { $0["worker"] as? String == replacement }.count
        #expect(byReplacement > 0, "the replacement worker did no task: \(run.standardError)")
        #expect(lab.waitUntilNoWorkers(timeout: .seconds(10)), "workers outlived the run")
    }
}
