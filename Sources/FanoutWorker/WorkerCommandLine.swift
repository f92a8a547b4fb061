import FanoutJobs
import FanoutProtocol
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker's command line, shared by `fanout-worker` and by programs that embed a worker for their own jobs.
///
/// ```
/// fanout-worker --connect HOST:PORT [--slots N|auto] [--id ID] [--max-frame-bytes N] [--connect-timeout S]
/// fanout-worker --stdio [--slots N|auto] [--id ID] …
/// ```
/// The run secret is the first line of standard input and the channel security (`tls <sha256 hex>` or `plain`) the
/// second. When standard input closes afterwards (the coordinator or the SSH session is gone) the worker exits, as
/// it does when its TCP connection closes. With `--stdio` (`transport: ssh-tunnel`) the protocol itself follows
/// those two lines on standard input and output.
public enum WorkerCommandLine {
    /// The flag that turns a program embedding a worker into a worker. Coordinators add it for custom executables.
    public static let embeddedWorkerFlag = WorkerLaunch.embeddedWorkerFlag

    /// Exit statuses of a worker process (see ``WorkerLaunch/ExitStatus``, which launchers read them with).
    public typealias ExitStatus = WorkerLaunch.ExitStatus

    static let usage = """
        USAGE: fanout-worker --connect HOST:PORT [--slots N|auto] [--id ID] [--host-label NAME] [--max-frame-bytes N]
                           [--connect-timeout S]
               fanout-worker --stdio [same options but --connect]

        Runs Fanout tasks for a coordinator. Normally started by `fanout run`, locally or over SSH.
        Standard input carries two lines from the coordinator:
          1. the run secret (hex);
          2. the channel security: `tls <sha256 hex>` to connect over TLS and accept only the server
             certificate whose DER has that SHA-256 (transport: tls, the default), or `plain` for plain TCP
             (transport: plain). Anything else is an error (exit 2).
        The worker exits when standard input closes, when its connection closes, or when the coordinator is
        silent past the heartbeat timeout.

        OPTIONS:
          --connect HOST:PORT    the coordinator's address
          --stdio                speak the protocol on standard input and output, after the two lines
                                 (transport: ssh-tunnel: the SSH channel carries it); standard input and output
                                 are then moved away, so what jobs print goes to standard error
          --slots N|auto         tasks run at once (default: auto = this host's cores)
          --id ID                the id the coordinator assigned (shown in results)
          --host-label NAME      the host name to report (default: this host's name)
          --max-frame-bytes N    largest inbound frame (default: \(ProtocolConstants.defaultMaximumFrameBytes))
          --connect-timeout S    seconds for connect and handshake (default: 10)
          --digest-hint D@ID     this binary's SHA-256 as the launcher computed it, and the identity
                                 (device:inode:size:mtime) of the file it hashed: used only while the running
                                 executable is still that file, else the worker hashes itself (saves its start
                                 70-100 ms; the coordinator checks the digest either way)
          --version              print protocol version and binary digest, then exit
          -h, --help             show this help
        """

    /// If the process was started as an embedded worker (first argument ``embeddedWorkerFlag``), runs the
    /// worker and exits; otherwise returns at once.
    /// - Parameter registry: The jobs this program can run.
    public static func runIfRequested(registry: JobRegistry) async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.first == Self.embeddedWorkerFlag else { return }
        exit(await Self.main(arguments: Array(arguments.dropFirst()), registry: registry).rawValue)
    }

    /// Parses arguments, reads the secret, runs the worker.
    /// - Parameters:
    ///   - arguments: The arguments, without the program name.
    ///   - registry: The jobs this worker can run.
    /// - Returns: The status to exit with.
    public static func main(arguments: [String], registry: JobRegistry) async -> ExitStatus {
        let launch: WorkerLaunch
        do {
            switch try WorkerLaunch.parse(arguments) {
            case .help:
                print(Self.usage)
                return .shutdown
            case .version:
                print(
                    "fanout-worker protocol \(ProtocolConstants.version) sha256 \(BinaryDigest.ofCurrentExecutable())"
                )
                return .shutdown
            case .run(let parsed):
                launch = parsed
            }
        } catch {
            Self.printError("fanout-worker: \(error.message)\n\n\(Self.usage)")
            return .usage
        }
        let connectTimeout = launch.effectiveConnectTimeoutSeconds
        let workerID = launch.workerID
        guard let line = Self.readLineFromStandardInput(),
            let secret = WorkerLaunch.StandardInput.secret(fromLine: line)
        else {
            Self.printError(
                "fanout-worker: expected the run secret (hex, at least 16 bytes) on the first line of stdin"
            )
            return .usage
        }
        // A coordinator always writes both lines at once; waiting for ever on a missing one would hang the launch.
        guard let securityLine = Self.readLineFromStandardInput(timeoutSeconds: connectTimeout) else {
            Self.printError(
                "fanout-worker: expected the channel security ('tls <sha256 hex>' or 'plain') on the second line "
                    + "of stdin, got nothing (end of input, or nothing within \(connectTimeout) s)"
            )
            return .usage
        }
        let channelSecurity: ChannelSecurity
        do {
            channelSecurity = try WorkerLaunch.StandardInput.channelSecurity(fromLine: securityLine)
        } catch {
            Self.printError("fanout-worker: malformed second line of stdin (channel security): \(error.message)")
            return .usage
        }
        let host: String
        let port: Int
        let overStandardIO: Bool
        switch launch.endpoint {
        case .connect(let dialHost, let dialPort):
            (host, port, overStandardIO) = (dialHost, dialPort, false)
        case .standardIO:
            (host, port, overStandardIO) = ("", 0, true)
        }
        // Over standard I/O the connection itself ends when standard input does.
        if !overStandardIO { Self.exitWhenStandardInputCloses(registry: registry) }
        var configuration = WorkerConfiguration(
            coordinatorHost: host,
            coordinatorPort: port,
            secret: secret,
            channelSecurity: channelSecurity,
            slots: launch.slots ?? System.coreCount,
            workerID: workerID,
            hostName: launch.hostLabel,
            registry: registry,
            binaryDigest: launch.digestHint?.digestOfCurrentExecutable() ?? BinaryDigest.ofCurrentExecutable(),
            maximumFrameBytes: launch.maximumFrameBytes,
            connectTimeoutSeconds: connectTimeout
        )
        configuration.overStandardIO = overStandardIO
        let peer = overStandardIO ? "over standard input and output" : "at \(host):\(port)"
        // However the session ends, the jobs clean up what their tasks left behind (exec: the programs it started).
        defer { registry.workerWillExit() }
        do {
            switch try await Worker(configuration: configuration).run() {
            case .shutdown:
                return .shutdown
            case .connectionLost(let reason):
                Self.printError("fanout-worker \(workerID): connection lost: \(reason)")
                return .connectionLost
            case .coordinatorSilent:
                Self.printError("fanout-worker \(workerID): coordinator silent past the heartbeat timeout; exiting")
                return .connectionLost
            case .taskTimedOut(let taskID):
                Self.printError(
                    "fanout-worker \(workerID): task \(taskID) ran past scheduling.task_timeout; exiting to stop it"
                )
                return .taskTimedOut
            }
        } catch {
            Self.printError("fanout-worker \(workerID): cannot join coordinator \(peer): \(error)")
            return .handshakeFailed
        }
    }

    /// Reads one line from fd 0 byte by byte, so nothing past the newline is consumed. At most 4 KiB.
    /// - Parameter timeoutSeconds: How long the whole line may take; `nil` waits as long as it takes.
    /// - Returns: The line without its newline, or `nil` at end of file (or time out) before any byte.
    private static func readLineFromStandardInput(timeoutSeconds: Double? = nil) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        let deadline = timeoutSeconds.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        while bytes.count < 4096 {
            if let deadline {
                let left = (deadline - ContinuousClock.now).components
                let milliseconds = max(0, left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000)
                var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, Int32(clamping: milliseconds))
                if ready < 0 && errno == EINTR { continue }
                if ready <= 0 { break }
            }
            let count = read(0, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// Watches standard input on a dedicated thread: end of file means whoever started us is gone.
    private static func exitWhenStandardInputCloses(registry: JobRegistry) {
        let watcher = NIOThreadPool(numberOfThreads: 1)
        watcher.start()
        watcher.submit { _ in
            var buffer = [UInt8](repeating: 0, count: 256)
            while true {
                let count = read(0, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
            }
            Self.printError("fanout-worker: standard input closed (coordinator gone); exiting")
            registry.workerWillExit()
            exit(ExitStatus.connectionLost.rawValue)
        }
    }

    static func printError(_ message: String) {
        var line = message
        line.append("\n")
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }
}
