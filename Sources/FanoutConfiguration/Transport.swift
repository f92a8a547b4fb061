/// How coordinator and workers carry their traffic, from the top-level `transport:` key.
///
/// yaml `transport`: `tls` (the default), `plain` or `ssh-tunnel`. Whichever it is, the run secret still
/// authenticates both sides.
public enum Transport: String, Sendable, Equatable, CaseIterable {
    /// yaml `tls`: TLS with a key and self-signed certificate made for each run; workers are handed its SHA-256
    /// fingerprint over SSH (or the local pipe) and accept no other certificate. The default.
    case tls
    /// yaml `plain`: unencrypted TCP, as before TLS existed; for trusted networks only.
    case plain
    /// yaml `ssh-tunnel`: each remote worker's connection travels inside its own SSH session (the worker speaks
    /// the protocol on the standard input and output of its SSH channel, and the coordinator relays the channel to
    /// its listener on loopback), for hosts that cannot reach the coordinator's port. SSH encrypts the remote hop,
    /// so the listener speaks plain TCP and must listen on a loopback address; local workers connect to it there.
    case sshTunnel = "ssh-tunnel"
}
