import NIOCore
import NIOSSL

extension WorkerListener {
    /// Closes a connection that has not authenticated without TLS's closing handshake.
    ///
    /// A TLS close sends close_notify and waits for the peer's (up to the context's shutdown timeout) before the
    /// socket goes: a flood peer never answers, so every connection evicted or dropped before its handshake would
    /// linger with its TLS state, thousands at a time. The close goes past the TLS handler, straight to the socket;
    /// a worker that gets it sees an unclean shutdown before its welcome, and dials again.
    /// - Parameter channel: The connection.
    static func closeAbruptly(_ channel: any Channel) {
        channel.eventLoop.execute {
            if let tls = try? channel.pipeline.syncOperations.context(handlerType: NIOSSLServerHandler.self) {
                tls.close(promise: nil)
            } else {
                channel.close(promise: nil)
            }
        }
    }
}
