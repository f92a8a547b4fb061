/// How coordinator and workers carry their traffic, from the top-level `transport:` key.
///
/// yaml `transport`: `tls` (the default) or `plain`. Either way the run secret still authenticates both sides;
/// TLS adds encryption, and the worker pins the coordinator's per-run certificate by its fingerprint.
public enum Transport: String, Sendable, Equatable, CaseIterable {
    /// yaml `tls`: TLS with a key and self-signed certificate made for each run; workers are handed its SHA-256
    /// fingerprint over SSH (or the local pipe) and accept no other certificate. The default.
    case tls
    /// yaml `plain`: unencrypted TCP, as before TLS existed; for trusted networks only.
    case plain

    /// Values that are planned but not built yet, named in the error so the reader knows they are not typos.
    static let notYetSupported: Set<String> = ["ssh-tunnel"]
}
