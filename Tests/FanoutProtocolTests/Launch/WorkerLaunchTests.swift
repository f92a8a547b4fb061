import FanoutProtocol
import Testing

/// The one description of a worker launch: what launchers render is what the worker parses, and what its exit
/// statuses mean.
@Suite("Worker launch description")
struct WorkerLaunchTests {
    static let hint = DigestHint(digest: String(repeating: "ab", count: 32), fileIdentity: "2049:131:4096:1700000000")

    static let launches: [WorkerLaunch] = [
        WorkerLaunch(endpoint: .connect(host: "127.0.0.1", port: 4100), slots: 4, workerID: "local-1"),
        WorkerLaunch(
            endpoint: .connect(host: "10.0.0.1", port: 1),
            slots: 1,
            workerID: "local-2",
            maximumFrameBytes: 1024,
            digestHint: hint
        ),
        WorkerLaunch(
            endpoint: .connect(host: "::1", port: 65535),
            slots: 4096,
            workerID: "h1-2.3",
            hostLabel: "h1",
            connectTimeoutSeconds: 2.5
        ),
        WorkerLaunch(endpoint: .standardIO, slots: 8, workerID: "h2-1", hostLabel: "lab host"),
        WorkerLaunch(endpoint: .standardIO),
    ]

    @Test("render then parse gives the same launch back", arguments: launches)
    func roundTrip(launch: WorkerLaunch) throws {
        #expect(try WorkerLaunch.parse(launch.arguments) == .run(launch))
    }

    @Test func localLauncherArgumentsAreTheOnesWorkersHaveAlwaysBeenGiven() {
        let launch = WorkerLaunch(
            endpoint: .connect(host: "127.0.0.1", port: 4100),
            slots: 2,
            workerID: "local-1",
            maximumFrameBytes: 65536,
            digestHint: Self.hint
        )
        #expect(
            launch.arguments == [
                "--connect", "127.0.0.1:4100", "--slots", "2", "--id", "local-1", "--max-frame-bytes", "65536",
                "--digest-hint", Self.hint.argument,
            ]
        )
    }

    @Test func sshLauncherArgumentsAreTheOnesWorkersHaveAlwaysBeenGiven() {
        var launch = WorkerLaunch(
            endpoint: .connect(host: "192.0.2.1", port: 7000),
            slots: 3,
            workerID: "h1-1",
            hostLabel: "h1",
            maximumFrameBytes: 65536
        )
        #expect(
            launch.arguments == [
                "--connect", "192.0.2.1:7000", "--slots", "3", "--id", "h1-1", "--host-label", "h1",
                "--max-frame-bytes", "65536",
            ]
        )
        launch.endpoint = .standardIO
        #expect(launch.arguments.prefix(3) == ["--stdio", "--slots", "3"])
    }

    @Test func parsesWhatAUserTypes() throws {
        let request = try WorkerLaunch.parse(["--connect", "[::1]:9", "--slots", "auto", "--connect-timeout", "3"])
        #expect(
            request
                == .run(WorkerLaunch(endpoint: .connect(host: "::1", port: 9), slots: nil, connectTimeoutSeconds: 3))
        )
        guard case .run(let launch) = request else { return }
        #expect(launch.effectiveConnectTimeoutSeconds == 3)
        #expect(launch.maximumFrameBytes == ProtocolConstants.defaultMaximumFrameBytes)
    }

    @Test func helpAndVersionWinOnlyWhenMetFirst() throws {
        #expect(try WorkerLaunch.parse(["--help", "--bogus"]) == .help)
        #expect(try WorkerLaunch.parse(["-h"]) == .help)
        #expect(try WorkerLaunch.parse(["--version", "--connect"]) == .version)
        #expect(throws: WorkerLaunchError(.usage, "unknown argument '--bogus'")) {
            try WorkerLaunch.parse(["--bogus", "--help"])
        }
        // A flag's value is taken as it comes, even when it looks like a flag.
        #expect(
            try WorkerLaunch.parse(["--stdio", "--id", "--help"])
                == .run(WorkerLaunch(endpoint: .standardIO, workerID: "--help"))
        )
    }

    @Test(
        "bad command lines are refused with the worker's messages",
        arguments: [
            ([], "--connect HOST:PORT (or --stdio) is required"),
            (["--connect"], "--connect needs a value"),
            (["--connect", "host"], "--connect wants HOST:PORT, got 'host'"),
            (["--connect", "host:0"], "--connect wants HOST:PORT, got 'host:0'"),
            (["--connect", "host:65536"], "--connect wants HOST:PORT, got 'host:65536'"),
            (["--stdio", "--connect", "h:1"], "--stdio and --connect exclude each other"),
            (["--stdio", "--slots", "0"], "--slots wants 'auto' or 1...4096, got '0'"),
            (["--stdio", "--slots", "4097"], "--slots wants 'auto' or 1...4096, got '4097'"),
            (["--stdio", "--max-frame-bytes", "1023"], "--max-frame-bytes wants an integer >= 1024, got '1023'"),
            (["--stdio", "--connect-timeout", "0"], "--connect-timeout wants seconds > 0, got '0'"),
            (["--stdio", "--connect-timeout", "soon"], "--connect-timeout wants seconds > 0, got 'soon'"),
            (
                ["--stdio", "--digest-hint", "abc"],
                "--digest-hint wants SHA256HEX@DEVICE:INODE:SIZE:MTIME, got 'abc'"
            ),
        ]
    )
    func refusals(arguments: [String], message: String) {
        #expect(throws: WorkerLaunchError(.usage, message)) { try WorkerLaunch.parse(arguments) }
    }

    @Test func exitStatusesKeepTheirNumbers() {
        #expect(WorkerLaunch.ExitStatus.allCases.map(\.rawValue) == [0, 2, 3, 4, 5])
    }

    @Test("which endings count as a death worth a replacement")
    func deathClassification() {
        // Told to stop, bad arguments, refused: a replacement would only repeat them.
        for status: Int32 in [0, 2, 4] { #expect(!WorkerLaunch.died(exitStatus: status), "status \(status)") }
        // Connection lost, a task past its timeout, a crash, an unknown status, a signal (no status).
        for status: Int32 in [1, 3, 5, 6, 127, 137, 255] {
            #expect(WorkerLaunch.died(exitStatus: status), "status \(status)")
        }
        #expect(WorkerLaunch.died(exitStatus: nil))
        for status in WorkerLaunch.ExitStatus.allCases {
            #expect(WorkerLaunch.died(exitStatus: status.rawValue) == status.meansDied)
        }
    }

    @Test func standardInputLinesRoundTrip() throws {
        let secret = RunSecret.random()
        let fingerprint = CertificateFingerprint(derEncodedCertificate: [1, 2, 3])
        for security in [ChannelSecurity.plain, .tls(pinnedFingerprint: fingerprint)] {
            let input = WorkerLaunch.StandardInput(secret: secret, channelSecurity: security)
            let lines = String(decoding: input.bytes, as: UTF8.self).split(
                separator: "\n",
                omittingEmptySubsequences: false
            )
            #expect(lines.count == 3)
            #expect(lines.last == "")
            #expect(WorkerLaunch.StandardInput.secret(fromLine: String(lines[0])) == secret)
            #expect(try WorkerLaunch.StandardInput.channelSecurity(fromLine: String(lines[1])) == security)
        }
        #expect(WorkerLaunch.StandardInput.secret(fromLine: "not hex") == nil)
        #expect(throws: ProtocolError.self) { try WorkerLaunch.StandardInput.channelSecurity(fromLine: "tls") }
    }
}
