import FanoutConfiguration
import FanoutSSH

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One `hosts:` entry with the `ssh:` defaults applied: everything needed to reach it and start its workers.
public struct RemoteHost: Sendable, Equatable {
    /// The address as written in `cluster.yaml`.
    public var address: String
    /// The SSH connection settings, per-host fields overriding `ssh:`.
    public var target: SSHTarget
    /// Worker processes to start there.
    public var workers: WorkerCount
    /// Tasks per worker.
    public var slots: WorkerCount

    /// `address` or `address:port` when the port is not 22: the host's name in tables and worker ids.
    public var label: String { self.target.port == 22 ? self.address : "\(self.address):\(self.target.port)" }

    /// Resolves every host of a configuration.
    /// - Parameter configuration: The parsed `cluster.yaml`.
    /// - Returns: One entry per `hosts:` item, in order.
    public static func all(in configuration: ClusterConfiguration) -> [RemoteHost] {
        configuration.hosts.map { host in
            let identity = host.effectiveIdentity(ssh: configuration.ssh)
            return RemoteHost(
                address: host.address,
                target: SSHTarget(
                    host: host.address,
                    port: host.port,
                    user: host.effectiveUser(ssh: configuration.ssh) ?? Self.localUserName(),
                    identityFiles: identity.map { [$0] } ?? ["~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa"],
                    useAgent: true,
                    knownHostsPath: configuration.ssh.knownHosts,
                    connectTimeout: ConfigurationDuration.duration(seconds: configuration.ssh.connectTimeout)
                ),
                workers: host.workers,
                slots: host.slots
            )
        }
    }

    static func localUserName() -> String {
        if let pointer = getpwuid(geteuid()), let name = pointer.pointee.pw_name {
            return String(cString: name)
        }
        return "root"
    }
}
