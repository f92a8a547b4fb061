import NIOCore

extension Channel {
    /// Adds the frame codec to a fresh channel and wraps it for async use. An ``InboundActivityHandler`` goes in
    /// front of the codec, so a watchdog can tell when the peer last sent anything.
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
