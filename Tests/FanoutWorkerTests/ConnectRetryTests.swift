import FanoutProtocol
import NIOCore
import Testing

@testable import FanoutWorker

#if canImport(Glibc)
import Glibc
#endif

@Suite("A worker dropped before its welcome dials again within its connect timeout")
struct ConnectRetryTests {
    static func configuration(timeout: Double) -> WorkerConfiguration {
        WorkerConfiguration(
            coordinatorHost: "127.0.0.1",
            coordinatorPort: 9,
            secret: RunSecret.random(),
            channelSecurity: .plain,
            slots: 1,
            binaryDigest: "digest",
            connectTimeoutSeconds: timeout
        )
    }

    @Test func closedBeforeTheWelcomeIsRetriedUntilItJoins() async throws {
        var attempts = 0
        // A generous budget: the property is "retried until it joins", not how fast (a loaded machine stalls).
        let result = try await Worker.retryingConnect(configuration: Self.configuration(timeout: 120)) {
            configuration,
            welcomed in
            attempts += 1
            #expect(configuration.connectTimeoutSeconds <= 120)
            if attempts < 3 { throw ProtocolError(.connectionClosed, "evicted") }
            welcomed()
            return "joined"
        }
        #expect(result == "joined")
        #expect(attempts == 3)
    }

    @Test func aRefusalOrAWrongSecretIsNotRetried() async {
        for error in [
            ProtocolError(.refused, "not launched"), ProtocolError(.authenticationFailed, "wrong secret"),
            ProtocolError(.certificateMismatch, "pinned another"),
        ] {
            var attempts = 0
            await #expect(throws: error) {
                try await Worker.retryingConnect(configuration: Self.configuration(timeout: 5)) { _, _ -> Int in
                    attempts += 1
                    throw error
                }
            }
            #expect(attempts == 1, "\(error)")
        }
    }

    @Test func aConnectionLostAfterTheWelcomeIsNotRetried() async {
        var attempts = 0
        await #expect(throws: ProtocolError.self) {
            try await Worker.retryingConnect(configuration: Self.configuration(timeout: 5)) { _, welcomed -> Int in
                attempts += 1
                welcomed()
                throw ProtocolError(.connectionClosed, "lost")
            }
        }
        #expect(attempts == 1)
    }

    @Test func retriesStopAtTheConnectTimeout() async {
        let started = ContinuousClock.now
        var attempts = 0
        await #expect(throws: ProtocolError.self) {
            try await Worker.retryingConnect(configuration: Self.configuration(timeout: 0.5)) { _, _ -> Int in
                attempts += 1
                throw ProtocolError(.timedOut, "no handshake")
            }
        }
        // It gives up instead of retrying for ever; the bound is loose because a loaded machine stalls sleeps.
        #expect(attempts >= 1)
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func aRefusedConnectionIsRetried() {
        #expect(Worker.isWorthRetrying(IOError(errnoCode: ECONNREFUSED, reason: "connect")))
        #expect(Worker.isWorthRetrying(ChannelError.connectTimeout(.seconds(1))))
        #expect(!Worker.isWorthRetrying(ProtocolError(.binaryMismatch, "other binary")))
    }
}
