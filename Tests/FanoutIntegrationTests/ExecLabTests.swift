import Foundation
import Testing

/// `fanout exec` on the 3 SSH lab hosts.
extension IntegrationSuite {
    /// Host column values of a job log, by sequence number.
    static func jobLogHosts(_ path: String) throws -> [Int: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var hosts: [Int: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            hosts[try #require(Int(fields[0]))] = String(fields[1])
        }
        return hosts
    }

    @Test(
        "lab exec: 1,000 echo jobs on 3 hosts, exact and complete, every host used; torture inputs byte for byte",
        .enabled(if: LabEnvironment.enabled)
    )
    func labExecEchoAndTorture() throws {
        let lab = try LabEnvironment.up()
        let directory = try Self.scratchDirectory("lab-echo")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inputs = (1...1000).map { "job-\($0)" }
        let run = try Self.execute(
            ["--cluster", lab.cluster, "--wait-for-workers", "--joblog", "jobs.tsv", "--", "echo", "{#}", "{}", ":::"]
                + inputs,
            in: directory
        )
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1000)
        #expect(Set(lines.map(String.init)) == Set(inputs.enumerated().map { "\($0.offset + 1) \($0.element)" }))
        let hosts = try Self.jobLogHosts(directory + "/jobs.tsv")
        #expect(hosts.count == 1000)
        #expect(
            Set(hosts.values) == Set(lab.hosts),
            "jobs per host: \(Dictionary(grouping: hosts.values, by: { $0 }).mapValues(\.count))"
        )

        let torture = try Self.execute(
            ["--cluster", lab.cluster, "--keep-order", "--", "/bin/sh", "-c", Self.hexScript, "hex", "{}", ":::"]
                + Self.tortureInputs,
            in: directory
        )
        #expect(torture.status == 0, "\(torture.standardError)")
        #expect(torture.standardOutput == Self.tortureInputs.map { Self.hex($0) + "\n" }.joined())
        #expect(lab.waitUntilNoWorkers(timeout: .seconds(10)), "worker processes left in the lab")
    }

    @Test(
        "lab exec: a job failing on host 1 is retried on another host; transferred and returned files byte-identical",
        .enabled(if: LabEnvironment.enabled)
    )
    func labExecRetryAndStaging() throws {
        let lab = try LabEnvironment.up()
        let directory = try Self.scratchDirectory("lab-staging")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let failedMarks = lab.directory + "/h1/home/exec-failed"
        try? FileManager.default.removeItem(atPath: failedMarks)

        // On host 1 the program leaves a mark and fails; elsewhere it succeeds.
        let script =
            "if [ \"$(id -un)\" = fanout-h1 ]; then mkdir -p ~/exec-failed; touch ~/exec-failed/$1; exit 1; fi; "
            + "echo ok-$1"
        let retried = try Self.execute(
            [
                "--cluster", lab.cluster, "--wait-for-workers", "--retries", "2", "--joblog", "retry.tsv", "--",
                "/bin/sh", "-c", script, "r",
                ":::",
            ] + (1...60).map(String.init),
            in: directory
        )
        #expect(retried.status == 0, "\(retried.standardError)")
        #expect(Set(retried.standardOutput.split(separator: "\n").map(String.init)) == Set((1...60).map { "ok-\($0)" }))
        let marks = (try? FileManager.default.contentsOfDirectory(atPath: failedMarks)) ?? []
        #expect(!marks.isEmpty, "host 1 never got a job, so nothing was retried")
        let hosts = try Self.jobLogHosts(directory + "/retry.tsv")
        #expect(!hosts.values.contains(lab.hosts[0]), "a job's final run was on host 1")
        try? FileManager.default.removeItem(atPath: failedMarks)

        try FileManager.default.createDirectory(atPath: directory + "/in", withIntermediateDirectories: true)
        var originals: [String: Data] = [:]
        for index in 1...12 {
            let bytes = Data((0..<(index * 37_000)).map { UInt8(truncatingIfNeeded: $0 &* (index + 3) &+ index) })
            originals["f\(index)"] = bytes
            try bytes.write(to: URL(fileURLWithPath: directory + "/in/f\(index).bin"))
        }
        try Data("base-".utf8).write(to: URL(fileURLWithPath: directory + "/base.txt"))
        let staged = try Self.execute(
            [
                "--cluster", lab.cluster, "--transfer", "--basefile", "base.txt", "--return", "{/.}.out", "--cleanup",
                "--", "/bin/sh", "-c", "cat base.txt \"$1\" > \"$2\"", "stage", "{}", "{/.}.out", ":::",
            ]
                + originals.keys.sorted().map { "in/\($0).bin" },
            in: directory
        )
        #expect(staged.status == 0, "\(staged.standardError)")
        for (name, bytes) in originals {
            let returned = FileManager.default.contents(atPath: directory + "/\(name).out")
            #expect(returned == Data("base-".utf8) + bytes, "\(name).out is not byte-identical")
        }
        #expect(lab.waitUntilNoWorkers(timeout: .seconds(10)), "worker processes left in the lab")
    }
}
