import FanoutSSH
import Foundation
import Testing

/// A real OpenSSH server on 127.0.0.1 and a free port, with its own config, keys and known_hosts variants.
///
/// sshd must run as root (privilege separation, logging in as root). Without root the tests that need it are
/// skipped with that reason, except under `CI=true`, where they run and fail: CI must not pass by skipping.
final class SSHDFixture: Sendable {
    /// Whether the sshd tests should run: as root, or under CI (where missing root is a failure).
    static let isEnabled = getuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"
    /// The reason shown when they are skipped.
    static let skipReason: Comment =
        "needs root to start sshd on 127.0.0.1 (run the tests as root; CI=true makes this a failure)"

    let keys: TestKeys
    let port: Int
    let directory: String
    private let pid: pid_t

    private init(keys: TestKeys, port: Int, directory: String, pid: pid_t) {
        self.keys = keys
        self.port = port
        self.directory = directory
        self.pid = pid
    }

    /// Starts an sshd, runs `body`, and stops the sshd and removes its directory on every path.
    ///
    /// - Parameter body: The test.
    /// - Returns: What `body` returns.
    /// - Throws: `FixtureError` when sshd cannot be started, or what `body` throws.
    static func with<R>(_ body: (SSHDFixture) async throws -> R) async throws -> R {
        let fixture = try self.start()
        defer { fixture.stop() }
        return try await body(fixture)
    }

    private static func start() throws -> SSHDFixture {
        guard getuid() == 0 else {
            throw FixtureError("sshd tests need root (CI=true is set, so this is a failure rather than a skip)")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") else {
            throw FixtureError("/usr/sbin/sshd is missing: apt-get install openssh-server")
        }
        let keys = try TestKeys.shared.get()
        let directory = NSTemporaryDirectory() + "fanout-sshd-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let port = try LocalListener.freePort()
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(keys.hostEd25519)
            HostKey \(keys.hostECDSA)
            HostKey \(keys.hostRSA)
            PidFile \(directory)/sshd.pid
            AuthorizedKeysFile \(keys.authorizedKeys)
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            MaxAuthTries 20
            MaxStartups 100
            LogLevel ERROR

            """
        try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
        let pid = try ShellCommand.spawn(
            "/usr/sbin/sshd",
            ["-D", "-e", "-f", directory + "/sshd_config"],
            errorOutput: directory + "/sshd.log"
        )
        let fixture = SSHDFixture(keys: keys, port: port, directory: directory, pid: pid)
        let deadline = Date().addingTimeInterval(5)
        while !LocalListener.accepts(port: port) {
            guard Date() < deadline else {
                let log = (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? ""
                fixture.stop()
                throw FixtureError("sshd did not start listening on 127.0.0.1:\(port): \(log)")
            }
            usleep(20_000)
        }
        return fixture
    }

    private func stop() {
        kill(self.pid, SIGTERM)
        _ = ShellCommand.wait(self.pid)
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    /// Writes a known_hosts file into the fixture's directory.
    ///
    /// - Parameters:
    ///   - name: The file name.
    ///   - lines: The entries.
    ///   - hashed: Whether to hash the host names with `ssh-keygen -H`.
    /// - Returns: The path.
    func knownHosts(_ name: String, _ lines: [String], hashed: Bool = false) throws -> String {
        let path = self.directory + "/" + name
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        if hashed {
            try ShellCommand.check("/usr/bin/ssh-keygen", ["-H", "-f", path])
        }
        return path
    }

    /// A known_hosts with the server's ed25519 key in the `[127.0.0.1]:port` form.
    func trustedKnownHosts() throws -> String {
        try self.knownHosts(
            "known_hosts",
            ["[127.0.0.1]:\(self.port) \(try TestKeys.publicKey(self.keys.hostEd25519))"]
        )
    }

    /// A target for root on this server.
    ///
    /// - Parameters:
    ///   - identity: The private key to log in with.
    ///   - knownHosts: The known_hosts path (a missing file means "nothing known").
    /// - Returns: The target, with the agent off so the tests do not depend on the caller's agent.
    func target(identity: String? = nil, knownHosts: String? = nil) throws -> SSHTarget {
        SSHTarget(
            host: "127.0.0.1",
            port: self.port,
            user: "root",
            identityFiles: [identity ?? self.keys.clientEd25519],
            useAgent: false,
            knownHostsPath: try knownHosts ?? self.trustedKnownHosts(),
            connectTimeout: .seconds(5),
            keepaliveInterval: .seconds(1)
        )
    }
}
