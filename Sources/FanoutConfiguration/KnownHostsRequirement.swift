/// Whether ``ClusterConfiguration/load(path:knownHosts:)`` requires the known-hosts file to exist already.
public enum KnownHostsRequirement: Sendable, Equatable {
    /// The file must exist: every command that connects to hosts to run or deploy (no host key could be verified
    /// without it, so the run would start only to fail on every host).
    case mustExist
    /// The file may be missing (it must still not be a directory or a device): for `fanout hosts trust`, which
    /// creates it, and `fanout hosts check`, which reports every key as unknown.
    case mayBeMissing
}
