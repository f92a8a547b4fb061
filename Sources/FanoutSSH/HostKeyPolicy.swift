/// What to do with the server's host key before authenticating.
public enum HostKeyPolicy: Sendable {
    /// The key must match an entry of the target's `known_hosts` file (plain, hashed or `[host]:port`).
    case strict
    /// Any key is accepted. Only for `fanout hosts trust`, which shows the fingerprint and records the key.
    case acceptAny
}
