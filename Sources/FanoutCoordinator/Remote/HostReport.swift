/// What the coordinator found out about one remote host: each check's result, and whether the host is used.
public struct HostReport: Sendable, Equatable {
    /// The host's label (`address` or `address:port`).
    public var host: String
    /// The login user.
    public var user: String
    /// TCP and SSH handshake succeeded.
    public var reachable: Bool?
    /// `ok`, `unknown`, `changed` or `revoked`.
    public var hostKey: String?
    /// Authentication succeeded.
    public var authenticated: Bool?
    /// `uname -m` on the host.
    public var architecture: String?
    /// glibc version, e.g. `2.36` (`unknown` on a host without GNU libc).
    public var glibc: String?
    /// `uname -r` on the host, e.g. `5.10.0-30-amd64`.
    public var kernel: String?
    /// Online cores.
    public var cores: Int?
    /// Free space in the worker cache directory, in KiB.
    public var freeKilobytes: Int?
    /// Round-trip time of a trivial command over the established session.
    public var roundTrip: Duration?
    /// The exact worker binary is already on the host (before any upload this run).
    public var workerCurrent: Bool?
    /// The worker binary was uploaded during this run.
    public var uploaded = false
    /// Workers started on the host.
    public var workersStarted = 0
    /// Why the host is not used, when it is not.
    public var problem: String?

    /// Whether the host passed every check.
    public var usable: Bool { self.problem == nil }

    /// Creates an empty report for a host.
    public init(host: String, user: String) {
        self.host = host
        self.user = user
    }
}
