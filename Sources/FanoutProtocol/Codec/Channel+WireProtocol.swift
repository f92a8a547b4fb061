import NIOCore

extension Channel {
    /// Adds the frame codec of a real connection to a fresh channel and wraps it for async use: the frame limit is
    /// ``ProtocolConstants/handshakeFrameLimit`` until the peer proves the run secret, and with
    /// `authenticatesFrames` every frame after the handshake's openers carries a tag (see ``WireSession``). An
    /// ``InboundActivityHandler`` goes in front of the codec, so a watchdog can tell when the peer last sent
    /// anything.
    ///
    /// Must run on the channel's event loop (inside a bootstrap's channel initializer).
    /// - Parameters:
    ///   - role: Which side of the handshake this is.
    ///   - secret: The run secret, from which the frame keys are derived.
    ///   - authenticatesFrames: Whether frames carry tags: yes on `plain` and `ssh-tunnel`, no inside TLS.
    ///   - maximumFrameBytes: The largest inbound frame payload accepted once the peer is authenticated.
    /// - Returns: The channel as an `NIOAsyncChannel` of ``WireMessage``s.
    /// - Throws: When the pipeline cannot be configured.
    public func wrapForWireProtocol(
        role: WireSession.Role,
        secret: RunSecret,
        authenticatesFrames: Bool,
        maximumFrameBytes: Int
    ) throws -> NIOAsyncChannel<WireMessage, WireMessage> {
        let session = WireSession(
            role: role,
            secret: secret,
            authenticatesFrames: authenticatesFrames,
            maximumFrameBytes: maximumFrameBytes
        )
        try self.pipeline.syncOperations.addHandler(InboundActivityHandler())
        try self.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(
                WireMessageDecoder(session: session),
                maximumBufferSize: maximumFrameBytes + 4 + FrameAuthenticator.tagBytes
            )
        )
        try self.pipeline.syncOperations.addHandler(MessageToByteHandler(WireMessageEncoder(session: session)))
        return try NIOAsyncChannel(
            wrappingChannelSynchronously: self,
            configuration: NIOAsyncChannel.Configuration(inboundType: WireMessage.self, outboundType: WireMessage.self)
        )
    }

    /// Adds a bare frame codec (one fixed limit, no tags) and wraps the channel for async use: for tools and tests
    /// that speak raw frames, such as a hostile peer. Real connections use
    /// ``wrapForWireProtocol(role:secret:authenticatesFrames:maximumFrameBytes:)``.
    ///
    /// Must run on the channel's event loop (inside a bootstrap's channel initializer).
    /// - Parameter maximumFrameBytes: The largest inbound frame payload accepted.
    /// - Returns: The channel as an `NIOAsyncChannel` of ``WireMessage``s.
    /// - Throws: When the pipeline cannot be configured.
    public func wrapForWireProtocol(maximumFrameBytes: Int) throws -> NIOAsyncChannel<WireMessage, WireMessage> {
        try self.pipeline.syncOperations.addHandler(InboundActivityHandler())
        try self.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(
                WireMessageDecoder(maximumFrameBytes: maximumFrameBytes),
                maximumBufferSize: maximumFrameBytes + 4
            )
        )
        try self.pipeline.syncOperations.addHandler(
            MessageToByteHandler(WireMessageEncoder(maximumFrameBytes: maximumFrameBytes))
        )
        return try NIOAsyncChannel(
            wrappingChannelSynchronously: self,
            configuration: NIOAsyncChannel.Configuration(inboundType: WireMessage.self, outboundType: WireMessage.self)
        )
    }
}
