import FanoutProtocol
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Worker {
    /// The hello a worker with this configuration sends: its digest, host, process, slots, id and a fresh nonce.
    /// - Parameter configuration: The worker's configuration.
    /// - Returns: The first message of the handshake.
    public static func hello(for configuration: WorkerConfiguration) -> Hello {
        Hello(
            binaryDigest: configuration.binaryDigest,
            // The coordinator refuses a hello whose host name has characters outside its rule, so an unusual
            // system name is made sendable rather than getting this worker refused.
            hostName: Hello.sendableHostName(configuration.hostName),
            processID: getpid(),
            slots: configuration.slots,
            workerID: configuration.workerID,
            nonce: RunSecret.nonce()
        )
    }

    /// Connects to the coordinator (TCP, or standard input and output for `ssh-tunnel`), secures the channel as
    /// told (TLS pinned to the coordinator's certificate, or plain), runs the run-secret handshake, and hands the
    /// authenticated session to `body`. The connection is closed when `body` returns; it is valid only inside it.
    ///
    /// This is the one path by which a worker joins a coordinator; the worker runtime and test harnesses that
    /// impersonate workers both use it, so both speak exactly the same protocol.
    /// - Parameters:
    ///   - configuration: Where to connect and how to secure the channel.
    ///   - hello: The hello to send; `nil` sends ``hello(for:)``.
    ///   - eventLoopGroup: The group for the connection.
    ///   - body: Runs with the coordinator's welcome, the inbound messages after it, the outbound writer, and a
    ///     closure that closes the connection (from any thread).
    /// - Returns: What `body` returns.
    /// - Throws: ``ProtocolError`` when the connection or the handshake fails, or what `body` throws.
    public static func connect<Result: Sendable>(
        configuration: WorkerConfiguration,
        hello: Hello? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        body: (
            _ welcome: Welcome,
            _ messages: inout NIOAsyncChannelInboundStream<WireMessage>.AsyncIterator,
            _ outbound: NIOAsyncChannelOutboundWriter<WireMessage>,
            _ close: @escaping @Sendable () -> Void
        ) async throws -> Result
    ) async throws -> Result {
        let tlsClient: PinnedTLSClient?
        switch configuration.channelSecurity {
        case .plain:
            tlsClient = nil
        case .tls(let fingerprint):
            tlsClient = try PinnedTLSClient(pinning: fingerprint)
        }
        let maximumFrameBytes = configuration.maximumFrameBytes
        let secret = configuration.secret
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<WireMessage, WireMessage>> = {
            channel in
            channel.eventLoop.makeCompletedFuture {
                try tlsClient?.addHandler(to: channel)
                // Inside TLS the channel has integrity already; on plain TCP (and over the ssh-tunnel's standard
                // input and output, whose coordinator leg is plain TCP) every frame after the openers is tagged.
                return try channel.wrapForWireProtocol(
                    role: .worker,
                    secret: secret,
                    authenticatesFrames: tlsClient == nil,
                    maximumFrameBytes: maximumFrameBytes
                )
            }
        }
        let channel: NIOAsyncChannel<WireMessage, WireMessage>
        if configuration.overStandardIO {
            let (input, output) = try StandardIOConnection.detach()
            channel = try await NIOPipeBootstrap(group: eventLoopGroup)
                .takingOwnershipOfDescriptors(input: input, output: output, channelInitializer: initializer)
        } else {
            channel = try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(.milliseconds(Int64(configuration.connectTimeoutSeconds * 1000)))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(
                    host: configuration.coordinatorHost,
                    port: configuration.coordinatorPort,
                    channelInitializer: initializer
                )
        }
        let hello = hello ?? Self.hello(for: configuration)
        return try await channel.executeThenClose { inbound, outbound in
            var messages = inbound.makeAsyncIterator()
            // A coordinator that never finishes the handshake must not hold the worker forever.
            let deadline = channel.channel.eventLoop.scheduleTask(
                in: .milliseconds(Int64(configuration.connectTimeoutSeconds * 1000))
            ) { channel.channel.close(promise: nil) }
            let welcome: Welcome
            do {
                welcome = try await Handshake.joinCoordinator(
                    secret: configuration.secret,
                    hello: hello,
                    receive: { try await messages.next() },
                    send: { try await outbound.write($0) }
                )
                deadline.cancel()
            } catch {
                // A refused certificate or failed TLS handshake also ends the stream: say so, not "timed out".
                if let tlsError = tlsClient?.explain(error) {
                    throw tlsError
                }
                if let error = error as? ProtocolError, error.code == .connectionClosed {
                    throw ProtocolError(
                        .timedOut,
                        "no handshake with the coordinator within \(configuration.connectTimeoutSeconds) s"
                    )
                }
                throw error
            }
            return try await body(welcome, &messages, outbound, { channel.channel.close(promise: nil) })
        }
    }
}
