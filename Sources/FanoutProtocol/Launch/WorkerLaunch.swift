/// How a coordinator starts a worker process, in one place: the flags (``arguments``, ``parse(_:)``), the two
/// lines it writes to the worker's standard input (``StandardInput``) and what the worker's exit status means
/// (``ExitStatus``).
///
/// The worker's command-line parser (`WorkerCommandLine`), the local launcher and the SSH launcher all go through
/// this type, so a flag or a status cannot mean one thing on one side and another on the other.
///
/// ```
/// fanout-worker --connect HOST:PORT [--slots N|auto] [--id ID] [--host-label NAME] [--max-frame-bytes N]
///               [--digest-hint D@ID] [--connect-timeout S]
/// fanout-worker --stdio [same options but --connect]
/// ```
public struct WorkerLaunch: Sendable, Equatable {
    /// How the worker reaches its coordinator.
    public enum Endpoint: Sendable, Equatable {
        /// Dial the coordinator at this address (`--connect HOST:PORT`).
        case connect(host: String, port: Int)
        /// Speak the protocol on standard input and output after the two launch lines (`--stdio`, for
        /// `transport: ssh-tunnel`).
        case standardIO
    }

    /// The flag that turns a program embedding a worker into a worker. Coordinators put it first for custom
    /// executables.
    public static let embeddedWorkerFlag = "--fanout-worker"
    /// Seconds for connect and handshake when `--connect-timeout` is not given.
    public static let defaultConnectTimeoutSeconds = 10.0
    /// The most slots `--slots` accepts.
    public static let maximumSlots = 4096
    /// The smallest `--max-frame-bytes` accepted.
    public static let minimumFrameBytes = 1024

    /// Where the worker connects.
    public var endpoint: Endpoint
    /// Tasks run at once; `nil` is `auto` (the host's cores).
    public var slots: Int?
    /// The id the coordinator assigned, shown in results; empty when none was given.
    public var workerID: String
    /// The host name to report; `nil` lets the worker report its own.
    public var hostLabel: String?
    /// The largest inbound frame.
    public var maximumFrameBytes: Int
    /// The binary's digest as the launcher computed it, so the worker need not hash itself (see ``DigestHint``).
    public var digestHint: DigestHint?
    /// Seconds for connect and handshake; `nil` is ``defaultConnectTimeoutSeconds`` and is not rendered.
    public var connectTimeoutSeconds: Double?

    /// Describes a launch.
    /// - Parameters:
    ///   - endpoint: Where the worker connects.
    ///   - slots: Tasks run at once; `nil` is `auto`.
    ///   - workerID: The assigned id, or empty.
    ///   - hostLabel: The host name to report, or `nil`.
    ///   - maximumFrameBytes: The largest inbound frame.
    ///   - digestHint: The launcher's digest of the binary, or `nil`.
    ///   - connectTimeoutSeconds: Seconds for connect and handshake, or `nil` for the default.
    public init(
        endpoint: Endpoint,
        slots: Int? = nil,
        workerID: String = "",
        hostLabel: String? = nil,
        maximumFrameBytes: Int = ProtocolConstants.defaultMaximumFrameBytes,
        digestHint: DigestHint? = nil,
        connectTimeoutSeconds: Double? = nil
    ) {
        self.endpoint = endpoint
        self.slots = slots
        self.workerID = workerID
        self.hostLabel = hostLabel
        self.maximumFrameBytes = maximumFrameBytes
        self.digestHint = digestHint
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// The connect and handshake timeout in force.
    public var effectiveConnectTimeoutSeconds: Double {
        self.connectTimeoutSeconds ?? Self.defaultConnectTimeoutSeconds
    }
}
