import NIOConcurrencyHelpers
import NIOCore

/// Measures, on the event loop, how long a connection has been silent while this side was ready to read.
///
/// A silence watchdog must not mistake its own backlog for a silent peer. When the reading task falls behind, the
/// async channel stops asking for reads (backpressure), the socket is not read, and no bytes "arrive", yet the
/// peer may have sent plenty. This handler sits first in the pipeline, sees every read request and every read, and
/// counts silence only from the moment a read was requested and not satisfied.
public final class InboundActivityHandler: ChannelDuplexHandler, Sendable {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private struct State {
        /// Since when a read has been requested and no bytes have arrived; `nil` while reading is paused.
        var waitingSince: NIODeadline? = .now()
    }

    private let state = NIOLockedValueBox(State())

    /// Creates the handler.
    public init() {}

    /// How long this side has been ready to read without receiving anything; zero while reading is paused
    /// because this side is behind.
    public func silence(now: NIODeadline = .now()) -> TimeAmount {
        self.state.withLockedValue { state in
            guard let since = state.waitingSince else { return .zero }
            return now - since
        }
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.state.withLockedValue { $0.waitingSince = nil }
        context.fireChannelRead(data)
    }

    public func read(context: ChannelHandlerContext) {
        self.state.withLockedValue { state in
            if state.waitingSince == nil { state.waitingSince = .now() }
        }
        context.read()
    }
}
