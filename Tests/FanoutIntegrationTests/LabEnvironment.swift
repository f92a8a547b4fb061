import Foundation
import Testing

/// The project's lab of SSH test hosts (`deploy/lab.sh`): network namespaces on this machine, each with its own
/// sshd. Needs root. Tests that use it skip when not root, except under CI (`CI=true`), where they must run.
///
/// Its last host is a Debian 11 root (glibc 2.31, `--bullseye 1`), so every lab test also runs the static worker
/// on an older distribution than this machine's.
struct LabEnvironment {
    var directory: String
    var cluster: String
    var key: String
    var unauthorizedKey: String
    var knownHosts: String
    var hosts: [String]
    /// The hosts that are Debian 11 roots.
    var bullseyeHosts: [String]
    var coordinatorAddress: String

    /// How many of the lab's hosts (the last ones) are Debian 11 roots.
    static let bullseyeHostCount = 1

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static var isRoot: Bool { getuid() == 0 }
    static var underCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
    /// Lab tests run as root; under CI they also "run" when not root, to fail loudly instead of skipping.
    static var enabled: Bool { Self.isRoot || Self.underCI }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: LabEnvironment?
    /// The descriptor holding ``sessionLockPath``, once taken. Kept apart from ``cached``: when bringing the lab up
    /// fails, a later test must not open the file again and wait for ever on the lock this process already holds.
    nonisolated(unsafe) private static var sessionLock: Int32?

    /// The lock that gives one test process the lab at a time: tests change hosts (stop sshd, cut links, change
    /// a cache's owner), which would break another process's lab tests running meanwhile.
    static let sessionLockPath = "/run/fanout-lab-session.lock"

    /// Brings the 3-host lab up (idempotent) and reads its environment. The first call takes
    /// ``sessionLockPath`` for the rest of the process (waiting while another test process holds it).
    static func up() throws -> LabEnvironment {
        try #require(Self.isRoot, "the SSH lab needs root (network namespaces and sshd); CI runs as root")
        return try Self.lock.withLock {
            if let cached = Self.cached { return cached }
            if Self.sessionLock == nil {
                // Held until the process exits, which releases it: the descriptor is never closed.
                let descriptor = open(Self.sessionLockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
                try #require(
                    descriptor >= 0,
                    "cannot open \(Self.sessionLockPath): \(String(cString: strerror(errno)))"
                )
                while flock(descriptor, LOCK_EX) != 0 {
                    try #require(
                        errno == EINTR,
                        "cannot lock \(Self.sessionLockPath): \(String(cString: strerror(errno)))"
                    )
                }
                Self.sessionLock = descriptor
            }
            let script = Self.repositoryRoot + "/deploy/lab.sh"
            let up = try ProcessHarness.run(
                "/bin/bash",
                [script, "up", "3", "--bullseye", String(Self.bullseyeHostCount)]
            )
            try #require(up.status == 0, "deploy/lab.sh up 3 --bullseye 1 failed: \(up.standardError)")
            let env = try ProcessHarness.run("/bin/bash", [script, "env"])
            try #require(env.status == 0, "deploy/lab.sh env failed: \(env.standardError)")
            var values: [String: String] = [:]
            for line in env.standardOutput.split(separator: "\n") {
                let text = line.hasPrefix("export ") ? line.dropFirst(7) : line[...]
                guard let equals = text.firstIndex(of: "=") else { continue }
                values[String(text[..<equals])] = String(text[text.index(after: equals)...])
                    .trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            }
            let lab = LabEnvironment(
                directory: try #require(values["FANOUT_LAB_DIR"]),
                cluster: try #require(values["FANOUT_LAB_CLUSTER"]),
                key: try #require(values["FANOUT_LAB_KEY"]),
                unauthorizedKey: try #require(values["FANOUT_LAB_UNAUTHORIZED_KEY"]),
                knownHosts: try #require(values["FANOUT_LAB_KNOWN_HOSTS"]),
                hosts: (values["FANOUT_LAB_HOSTS"] ?? "").split(separator: " ").map(String.init),
                bullseyeHosts: (values["FANOUT_LAB_BULLSEYE_HOSTS"] ?? "").split(separator: " ").map(String.init),
                coordinatorAddress: try #require(values["FANOUT_LAB_COORDINATOR_ADDRESS"])
            )
            Self.cached = lab
            return lab
        }
    }

    /// Runs `deploy/lab.sh ARGS…`.
    @discardableResult
    static func lab(_ arguments: String...) throws -> ProcessHarness.Output {
        try ProcessHarness.run("/bin/bash", [Self.repositoryRoot + "/deploy/lab.sh"] + arguments)
    }

    /// Writes a copy of the lab's cluster.yaml with text replacements, returns its path.
    func clusterFile(_ name: String, replacing replacements: [(String, String)] = []) throws -> String {
        var text = try String(contentsOfFile: self.cluster, encoding: .utf8)
        for (old, new) in replacements {
            try #require(text.contains(old), "lab cluster.yaml has no '\(old)'")
            text = text.replacingOccurrences(of: old, with: new)
        }
        let path = NSTemporaryDirectory() + "fanout-lab-\(name)-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// PIDs of fanout worker processes owned by the lab users.
    func workerProcesses() -> [Int32] {
        (1...self.hosts.count).flatMap { number -> [Int32] in
            guard
                let output = try? ProcessHarness.run(
                    "/usr/bin/pgrep",
                    ["-u", "fanout-h\(number)", "-f", "fanout-worker"]
                )
            else { return [] }
            return output.standardOutput.split(separator: "\n").compactMap { Int32($0) }
                .filter { ProcessHarness.isRunning($0) }
        }
    }

    /// Waits until no worker process is left in the lab; returns whether that happened within `timeout`.
    func waitUntilNoWorkers(timeout: Duration) -> Bool {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if self.workerProcesses().isEmpty { return true }
            usleep(50_000)
        }
        return self.workerProcesses().isEmpty
    }
}
