/// Safety limits on the wire, from the `limits:` section.
public struct LimitSettings: Sendable, Equatable {
    /// yaml `max_frame_bytes`: the largest frame accepted from a peer, in bytes; larger frames close the
    /// connection. Default `16777216` (16 MiB). Allowed: 1024...1073741824.
    public var maxFrameBytes: Int
    /// yaml `handshake_timeout`: seconds a new connection has to complete the handshake, TLS (with
    /// `transport: tls`) and the run-secret exchange together. Default `10`. Allowed: 0.001...86400.
    public var handshakeTimeout: Double
    /// yaml `max_pending_connections`: connections that may be in their handshake at once; one more is closed at
    /// once, so a flood of connections that never finish the handshake costs file descriptors and memory for this
    /// many at most, and workers already joined are not affected. Default `256`. Allowed: 1...65536.
    public var maxPendingConnections: Int

    /// Creates limit settings.
    /// - Parameters:
    ///   - maxFrameBytes: The largest accepted frame in bytes.
    ///   - handshakeTimeout: Seconds allowed for the handshake.
    ///   - maxPendingConnections: Connections allowed in their handshake at once.
    public init(maxFrameBytes: Int = 16_777_216, handshakeTimeout: Double = 10, maxPendingConnections: Int = 256) {
        self.maxFrameBytes = maxFrameBytes
        self.handshakeTimeout = handshakeTimeout
        self.maxPendingConnections = maxPendingConnections
    }
}
