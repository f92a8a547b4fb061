import FanoutProtocol
import Testing

/// Both halves of the opening conversation, run against each other over an in-memory pair of streams.
@Suite("Handshake", .timeLimit(.minutes(1)))
struct HandshakeTests {
    static let secret = RunSecret(bytes: Array(0..<32))
    static let otherSecret = RunSecret(bytes: Array(1...32))
    static let digest = String(repeating: "d1", count: 32)

    static func hello(
        protocolVersion: UInt16 = ProtocolConstants.version,
        binaryDigest: String = digest,
        hostName: String = "node-1",
        workerID: String = "launch-7",
        nonce: [UInt8] = RunSecret.nonce()
    ) -> Hello {
        Hello(
            protocolVersion: protocolVersion,
            binaryDigest: binaryDigest,
            hostName: hostName,
            processID: 4242,
            slots: 8,
            workerID: workerID,
            nonce: nonce
        )
    }

    static func welcome(for hello: Hello) -> Welcome {
        Welcome(
            workerID: "assigned-\(hello.workerID)",
            heartbeatIntervalMilliseconds: 1_000,
            heartbeatTimeoutMilliseconds: 5_000
        )
    }

    /// What each side returned or threw, and the kinds of the messages it sent.
    struct Outcome: Sendable {
        var coordinator: Result<Handshake.AcceptedWorker, any Error>
        var coordinatorSent: [String]
        var worker: Result<Welcome, any Error>
        var workerSent: [String]
    }

    /// The worker's half of a conversation: the real `joinCoordinator`, or a hand-written impostor.
    typealias WorkerSide =
        @Sendable (
            _ receive: () async throws -> WireMessage?,
            _ send: (WireMessage) async throws -> Void
        ) async throws -> Welcome

    static func realWorker(secret: RunSecret, hello: Hello) -> WorkerSide {
        { receive, send in
            try await Handshake.joinCoordinator(secret: secret, hello: hello, receive: receive, send: send)
        }
    }

    private enum Side: Sendable {
        case coordinator(Result<Handshake.AcceptedWorker, any Error>, [String])
        case worker(Result<Welcome, any Error>, [String])
    }

    /// Runs the coordinator's `acceptWorker` against `worker` in two child tasks. Each side closes its outbound
    /// stream when it returns, so a side waiting on a peer that gave up sees end of stream instead of hanging.
    static func converse(
        coordinatorSecret: RunSecret = secret,
        expectedDigest: String? = digest,
        worker: @escaping WorkerSide
    ) async -> Outcome {
        let (toCoordinator, toCoordinatorInput) = AsyncStream.makeStream(of: WireMessage.self)
        let (toWorker, toWorkerInput) = AsyncStream.makeStream(of: WireMessage.self)
        return await withTaskGroup(of: Side.self) { group in
            group.addTask {
                defer { toWorkerInput.finish() }
                var inbound = toCoordinator.makeAsyncIterator()
                var sent: [String] = []
                let result = await Self.capture {
                    try await Handshake.acceptWorker(
                        secret: coordinatorSecret,
                        expectedDigests: expectedDigest.map { [$0] } ?? [],
                        welcome: Self.welcome(for:),
                        receive: { await inbound.next() },
                        send: { message in
                            sent.append(message.kind)
                            toWorkerInput.yield(message)
                        }
                    )
                }
                return .coordinator(result, sent)
            }
            group.addTask {
                defer { toCoordinatorInput.finish() }
                var inbound = toWorker.makeAsyncIterator()
                var sent: [String] = []
                let result = await Self.capture {
                    try await worker(
                        { await inbound.next() },
                        { message in
                            sent.append(message.kind)
                            toCoordinatorInput.yield(message)
                        }
                    )
                }
                return .worker(result, sent)
            }
            var coordinator: (Result<Handshake.AcceptedWorker, any Error>, [String])?
            var worker: (Result<Welcome, any Error>, [String])?
            for await side in group {
                switch side {
                case .coordinator(let result, let sent): coordinator = (result, sent)
                case .worker(let result, let sent): worker = (result, sent)
                }
            }
            return Outcome(
                coordinator: coordinator!.0,
                coordinatorSent: coordinator!.1,
                worker: worker!.0,
                workerSent: worker!.1
            )
        }
    }

    static func capture<Success>(_ body: () async throws -> Success) async -> Result<Success, any Error> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    static func code<Success>(_ result: Result<Success, any Error>) -> ProtocolError.Code? {
        guard case .failure(let error) = result else { return nil }
        return (error as? ProtocolError)?.code
    }

    static func message<Success>(_ result: Result<Success, any Error>) -> String {
        guard case .failure(let error) = result else { return "" }
        return (error as? ProtocolError)?.message ?? "\(error)"
    }

    /// Every run of digits in `text`, as numbers.
    static func numbers(in text: String) -> Set<Int> {
        Set(text.split { !$0.isNumber }.compactMap { Int($0) })
    }

    // MARK: Success

    @Test func workerJoinsAndGetsItsAssignedID() async throws {
        let hello = Self.hello()
        let outcome = await Self.converse(worker: Self.realWorker(secret: Self.secret, hello: hello))
        let accepted = try outcome.coordinator.get()
        let welcome = try outcome.worker.get()
        #expect(welcome.workerID == "assigned-launch-7")
        #expect(welcome == accepted.welcome)
        #expect(accepted.hello == hello)
        #expect(outcome.workerSent == ["hello", "authenticate"])
        #expect(outcome.coordinatorSent == ["challenge", "welcome"])
    }

    @Test func anyDigestIsAcceptedWhenNoneIsExpected() async throws {
        let hello = Self.hello(binaryDigest: "whatever")
        let outcome = await Self.converse(
            expectedDigest: nil,
            worker: Self.realWorker(secret: Self.secret, hello: hello)
        )
        #expect(try outcome.coordinator.get().hello.binaryDigest == "whatever")
        #expect(try outcome.worker.get().workerID == "assigned-launch-7")
    }

    // MARK: Secrets

    @Test func workerWithWrongSecretFailsAuthenticationAtTheCoordinator() async {
        // The real worker would already reject the coordinator's proof; this one skips that check and answers
        // with a proof made from the wrong secret, as an impostor would.
        let hello = Self.hello()
        let outcome = await Self.converse { receive, send in
            try await send(.hello(hello))
            guard case .challenge(let challenge) = try await receive() else {
                throw ProtocolError(.malformed, "no challenge")
            }
            let proof = Self.otherSecret.proof(for: .worker, answering: challenge.nonce, with: hello.nonce)
            try await send(.authenticate(Authenticate(proof: proof)))
            _ = try await receive()
            throw ProtocolError(.connectionClosed, "coordinator hung up")
        }
        #expect(Self.code(outcome.coordinator) == .authenticationFailed)
        // No welcome and no explanation for a peer without the secret.
        #expect(outcome.coordinatorSent == ["challenge"])
        #expect(Self.code(outcome.worker) == .connectionClosed)
    }

    @Test func coordinatorWithWrongSecretIsRejectedBeforeTheWorkerProvesAnything() async {
        let outcome = await Self.converse(
            coordinatorSecret: Self.otherSecret,
            worker: Self.realWorker(secret: Self.secret, hello: Self.hello())
        )
        #expect(Self.code(outcome.worker) == .authenticationFailed)
        #expect(outcome.workerSent == ["hello"])
        #expect(Self.code(outcome.coordinator) == .connectionClosed)
    }

    @Test func reflectedCoordinatorProofIsRejected() async {
        // An impostor echoes the coordinator's own proof back: the role label must make it worthless.
        let hello = Self.hello()
        let outcome = await Self.converse { receive, send in
            try await send(.hello(hello))
            guard case .challenge(let challenge) = try await receive() else {
                throw ProtocolError(.malformed, "no challenge")
            }
            try await send(.authenticate(Authenticate(proof: challenge.proof)))
            _ = try await receive()
            throw ProtocolError(.connectionClosed, "coordinator hung up")
        }
        #expect(Self.code(outcome.coordinator) == .authenticationFailed)
        #expect(outcome.coordinatorSent == ["challenge"])
    }

    // MARK: Refusals

    @Test func versionMismatchIsRefusedWithoutNamingTheCoordinatorsVersion() async {
        let outcome = await Self.converse(
            worker: Self.realWorker(secret: Self.secret, hello: Self.hello(protocolVersion: 99))
        )
        #expect(Self.code(outcome.coordinator) == .versionMismatch)
        // The coordinator's own log names both versions...
        #expect(
            Self.numbers(in: Self.message(outcome.coordinator)).isSuperset(of: [99, Int(ProtocolConstants.version)])
        )
        #expect(outcome.coordinatorSent == ["refused"])
        #expect(Self.code(outcome.worker) == .refused)
        // ...the peer, which has proven nothing yet, learns only that its own version is not spoken.
        let message = Self.message(outcome.worker)
        #expect(Self.numbers(in: message) == [99], "\(message)")
        #expect(message.contains("version-mismatch"))
        #expect(outcome.workerSent == ["hello"])
    }

    @Test func binaryDigestMismatchIsRefusedAfterTheProofNamingBothDigests() async {
        let workerDigest = String(repeating: "0f", count: 32)
        let outcome = await Self.converse(
            worker: Self.realWorker(secret: Self.secret, hello: Self.hello(binaryDigest: workerDigest))
        )
        #expect(Self.code(outcome.coordinator) == .binaryMismatch)
        #expect(Self.code(outcome.worker) == .refused)
        // The worker proved the secret, so it may learn what the coordinator expects.
        let message = Self.message(outcome.worker)
        #expect(message.contains(workerDigest), "\(message)")
        #expect(message.contains(Self.digest), "\(message)")
        #expect(message.contains("binary-mismatch"))
        #expect(outcome.workerSent == ["hello", "authenticate"])
        #expect(outcome.coordinatorSent == ["challenge", "refused"])
    }

    @Test func aPeerWithoutTheSecretNeverLearnsTheExpectedDigest() async {
        // Audit finding 14: the binary-mismatch refusal used to go out before the secret was proven, naming the
        // expected digest to anyone who connected.
        let hello = Self.hello(binaryDigest: String(repeating: "0f", count: 32))
        /// What the impostor was sent, handed back through the error it ends with.
        struct Received: Error { var messages: [WireMessage] }
        let outcome = await Self.converse { receive, send in
            try await send(.hello(hello))
            var messages: [WireMessage] = []
            while let message = try await receive() {
                messages.append(message)
                if case .challenge = message {
                    try await send(.authenticate(Authenticate(proof: RunSecret.random().bytes)))
                }
            }
            throw Received(messages: messages)
        }
        #expect(Self.code(outcome.coordinator) == .authenticationFailed)
        #expect(outcome.coordinatorSent == ["challenge"])
        guard case .failure(let error as Received) = outcome.worker else {
            Issue.record("the impostor ended with \(outcome.worker)")
            return
        }
        #expect(error.messages.count == 1)
        let everything = error.messages.map { "\($0)" }.joined(separator: " ")
        #expect(!everything.contains(Self.digest), "\(everything)")
    }

    @Test(arguments: [
        ("host name", Self.hello(hostName: "node-1\n[error] forged line")),
        ("host name", Self.hello(hostName: "node-1\u{1B}[2J")),
        ("host name", Self.hello(hostName: String(repeating: "a", count: ProtocolConstants.maximumHostNameBytes + 1))),
        ("host name", Self.hello(hostName: "")),
        ("host name", Self.hello(hostName: "$(reboot)")),
        ("worker id", Self.hello(workerID: "local-1\tforged")),
        ("worker id", Self.hello(workerID: String(repeating: "w", count: ProtocolConstants.maximumWorkerIDBytes + 1))),
        ("binary digest", Self.hello(binaryDigest: String(repeating: "a", count: 65))),
        ("binary digest", Self.hello(binaryDigest: "a b")),
    ])
    func malformedHelloStringsAreRefusedBeforeTheChallenge(_ field: String, _ hello: Hello) async {
        let outcome = await Self.converse(worker: Self.realWorker(secret: Self.secret, hello: hello))
        #expect(Self.code(outcome.coordinator) == .malformed)
        #expect(Self.message(outcome.coordinator).contains(field))
        #expect(outcome.coordinatorSent == ["refused"])
        // The refusal names the rule, never the hostile text.
        let message = Self.message(outcome.worker)
        #expect(!message.contains("forged") && !message.contains("\u{1B}") && !message.contains("$("), "\(message)")
    }

    @Test(arguments: [
        ("node-1.lab", "node-1.lab"),
        ("Tom's laptop", "Tom-s-laptop"),
        ("höst\u{1B}[2J\n", "h-st-[2J-"),
        ("", "unknown"),
        (String(repeating: "é", count: 300), String(repeating: "-", count: ProtocolConstants.maximumHostNameBytes)),
    ])
    func aWorkersOwnHostNameIsMadeSendable(_ name: String, _ sent: String) async throws {
        #expect(Hello.sendableHostName(name) == sent)
        let hello = Self.hello(hostName: Hello.sendableHostName(name))
        let outcome = await Self.converse(worker: Self.realWorker(secret: Self.secret, hello: hello))
        #expect(try outcome.coordinator.get().hello.hostName == sent)
    }

    @Test func helloStringsAtTheirLimitsAreAccepted() async throws {
        let hello = Self.hello(
            hostName: "[fe80::1%eth0]:2222"
                + String(repeating: "h", count: ProtocolConstants.maximumHostNameBytes - 19),
            workerID: String(repeating: "w", count: ProtocolConstants.maximumWorkerIDBytes)
        )
        let outcome = await Self.converse(worker: Self.realWorker(secret: Self.secret, hello: hello))
        #expect(try outcome.coordinator.get().hello == hello)
    }

    @Test func shortHelloNonceIsMalformed() async {
        let outcome = await Self.converse(
            worker: Self.realWorker(secret: Self.secret, hello: Self.hello(nonce: [1, 2, 3]))
        )
        #expect(Self.code(outcome.coordinator) == .malformed)
        #expect(!outcome.coordinatorSent.contains("challenge"))
    }

    @Test func coordinatorExpectsHelloFirst() async {
        let outcome = await Self.converse { _, send in
            try await send(.heartbeat(Heartbeat(tasksInFlight: 0)))
            throw ProtocolError(.connectionClosed, "done")
        }
        #expect(Self.code(outcome.coordinator) == .unexpectedMessage)
    }

    @Test func silentWorkerIsConnectionClosed() async {
        let outcome = await Self.converse { _, _ in throw ProtocolError(.connectionClosed, "never spoke") }
        #expect(Self.code(outcome.coordinator) == .connectionClosed)
    }

    // MARK: Run secret

    @Test func runSecretHexRoundTrips() throws {
        let secret = RunSecret.random()
        #expect(secret.bytes.count == 32)
        #expect(secret.hexEncoded.count == 64)
        #expect(secret.hexEncoded == secret.hexEncoded.lowercased())
        #expect(RunSecret(hexEncoded: secret.hexEncoded) == secret)
        #expect(RunSecret(hexEncoded: "  \(secret.hexEncoded.uppercased())\n") == secret)
        #expect(Self.secret.hexEncoded == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
    }

    @Test func runSecretsAreRandom() {
        #expect(RunSecret.random() != RunSecret.random())
        #expect(RunSecret.nonce() != RunSecret.nonce())
        #expect(RunSecret.nonce().count == ProtocolConstants.nonceBytes)
    }

    @Test(arguments: [
        String(repeating: "a", count: 33),  // odd length
        String(repeating: "a", count: 31) + "g",  // not hex
        String(repeating: "a", count: 30) + " a",  // inner space
        String(repeating: "ab", count: 15),  // 15 bytes: too short
        "",
    ])
    func runSecretRejectsBadHex(_ text: String) {
        #expect(RunSecret(hexEncoded: text) == nil)
    }

    @Test func runSecretAcceptsSixteenBytes() {
        #expect(RunSecret(hexEncoded: String(repeating: "ab", count: 16))?.bytes == Array(repeating: 0xAB, count: 16))
    }

    @Test func proofsForTheTwoRolesDiffer() {
        let first = RunSecret.nonce()
        let second = RunSecret.nonce()
        let coordinatorProof = Self.secret.proof(for: .coordinator, answering: first, with: second)
        let workerProof = Self.secret.proof(for: .worker, answering: first, with: second)
        #expect(coordinatorProof.count == 32)
        #expect(coordinatorProof != workerProof)
        #expect(Self.secret.verify(coordinatorProof, for: .coordinator, answering: first, with: second))
        #expect(!Self.secret.verify(coordinatorProof, for: .worker, answering: first, with: second))
        #expect(!Self.secret.verify(workerProof, for: .coordinator, answering: first, with: second))
    }

    @Test func proofDependsOnSecretAndNonceOrder() {
        let first = RunSecret.nonce()
        let second = RunSecret.nonce()
        let proof = Self.secret.proof(for: .worker, answering: first, with: second)
        #expect(proof == Self.secret.proof(for: .worker, answering: first, with: second))
        #expect(proof != Self.otherSecret.proof(for: .worker, answering: first, with: second))
        #expect(proof != Self.secret.proof(for: .worker, answering: second, with: first))
    }

    @Test func verifyRejectsTamperedAndTruncatedProofs() {
        let first = RunSecret.nonce()
        let second = RunSecret.nonce()
        var proof = Self.secret.proof(for: .worker, answering: first, with: second)
        #expect(!Self.secret.verify(Array(proof.dropLast()), for: .worker, answering: first, with: second))
        #expect(!Self.secret.verify([], for: .worker, answering: first, with: second))
        proof[31] ^= 0x01
        #expect(!Self.secret.verify(proof, for: .worker, answering: first, with: second))
    }

    @Test func hexEncodesAndDecodes() {
        #expect(Hex.encode([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(Hex.decode("000fA0Ff") == [0x00, 0x0F, 0xA0, 0xFF])
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("0x") == nil)
    }
}
