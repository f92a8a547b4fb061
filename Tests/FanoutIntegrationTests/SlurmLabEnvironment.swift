import Foundation
import Testing

/// The project's Slurm lab (`deploy/slurm-lab.sh`): slurmctld and munged on this machine, one slurmd per node in
/// its own network namespace, partition `lab`. Needs root; CI runs as root and brings it up before the tests.
struct SlurmLabEnvironment {
    /// The lab's cluster file (`slurm: {partition: lab, nodes: N, time: …}`, listening on the bridge).
    var cluster: String
    /// The nodes' names, `fanout-node1` ….
    var nodes: [String]
    /// The partition.
    var partition: String

    static var isRoot: Bool { getuid() == 0 }
    static var script: String { LabEnvironment.repositoryRoot + "/deploy/slurm-lab.sh" }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: SlurmLabEnvironment?

    /// The lock that gives one test process the Slurm lab at a time: tests kill and drain nodes and cancel jobs.
    static let sessionLockPath = "/run/fanout-slurm-lab-session.lock"

    /// Brings the 3-node lab up (idempotent, and it resumes nodes earlier tests killed) and reads its environment.
    /// The first call takes ``sessionLockPath`` for the rest of the process.
    static func up() throws -> SlurmLabEnvironment {
        try #require(Self.isRoot, "the Slurm lab needs root (network namespaces, munged, slurmd)")
        return try Self.lock.withLock {
            if let cached = Self.cached {
                // Repairs what a test killed (nodes back in service), keeps it otherwise.
                let up = try ProcessHarness.run("/bin/bash", [Self.script, "up", "\(cached.nodes.count)"])
                try #require(up.status == 0, "deploy/slurm-lab.sh up failed: \(up.standardError)")
                return cached
            }
            // Held until the process exits, which releases it: the descriptor is never closed.
            let descriptor = open(Self.sessionLockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            try #require(descriptor >= 0, "cannot open \(Self.sessionLockPath): \(String(cString: strerror(errno)))")
            while flock(descriptor, LOCK_EX) != 0 {
                try #require(errno == EINTR, "cannot lock \(Self.sessionLockPath): \(String(cString: strerror(errno)))")
            }
            let up = try ProcessHarness.run("/bin/bash", [Self.script, "up", "3"])
            try #require(up.status == 0, "deploy/slurm-lab.sh up 3 failed: \(up.standardError)")
            let env = try ProcessHarness.run("/bin/bash", [Self.script, "env"])
            try #require(env.status == 0, "deploy/slurm-lab.sh env failed: \(env.standardError)")
            var values: [String: String] = [:]
            for line in env.standardOutput.split(separator: "\n") {
                let text = line.hasPrefix("export ") ? line.dropFirst(7) : line[...]
                guard let equals = text.firstIndex(of: "=") else { continue }
                values[String(text[..<equals])] = String(text[text.index(after: equals)...])
                    .trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            }
            let lab = SlurmLabEnvironment(
                cluster: try #require(values["FANOUT_SLURM_LAB_CLUSTER"]),
                nodes: (values["FANOUT_SLURM_LAB_NODES"] ?? "").split(separator: " ").map(String.init),
                partition: try #require(values["FANOUT_SLURM_LAB_PARTITION"])
            )
            Self.cached = lab
            return lab
        }
    }

    /// Runs `deploy/slurm-lab.sh ARGS…`.
    @discardableResult
    static func lab(_ arguments: String...) throws -> ProcessHarness.Output {
        try ProcessHarness.run("/bin/bash", [Self.script] + arguments)
    }

    /// Writes a copy of the lab's cluster.yaml with text replacements, returns its path.
    func clusterFile(_ name: String, replacing replacements: [(String, String)] = []) throws -> String {
        var text = try String(contentsOfFile: self.cluster, encoding: .utf8)
        for (old, new) in replacements {
            try #require(text.contains(old), "the Slurm lab's cluster.yaml has no '\(old)'")
            text = text.replacingOccurrences(of: old, with: new)
        }
        let path = NSTemporaryDirectory() + "fanout-slurm-lab-\(name)-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The jobs Fanout asked for that Slurm still holds (pending or running): their names start with `fanout-`.
    static func fanoutJobs() -> [String] {
        guard let output = try? ProcessHarness.run("/usr/bin/squeue", ["-h", "-o", "%i %j %T"]) else { return ["?"] }
        return output.standardOutput.split(separator: "\n").map(String.init).filter {
            $0.split(separator: " ").dropFirst().first?.hasPrefix("fanout-") ?? false
        }
    }

    /// Waits until Slurm holds no job of Fanout's; returns whether that happened within `timeout`.
    static func waitUntilNoFanoutJobs(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if Self.fanoutJobs().isEmpty { return true }
            usleep(100_000)
        }
        return Self.fanoutJobs().isEmpty
    }

    /// Waits until Slurm runs a job of Fanout's (granted, not pending); returns its id.
    static func waitForRunningFanoutJob(timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let job = Self.fanoutJobs().first(where: { $0.hasSuffix(" RUNNING") }) {
                return job.split(separator: " ").first.map(String.init)
            }
            usleep(50_000)
        }
        return nil
    }

    /// PIDs of workers started on the nodes (`--id slurm-…`).
    static func nodeWorkers() -> [Int32] {
        guard let output = try? ProcessHarness.run("/usr/bin/pgrep", ["-f", "fanout-worker.*--id slurm-"]) else {
            return []
        }
        return output.standardOutput.split(separator: "\n").compactMap { Int32($0) }
            .filter { ProcessHarness.isRunning($0) }
    }
}
