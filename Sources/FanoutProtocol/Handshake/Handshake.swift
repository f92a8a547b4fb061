/// The two halves of the opening conversation, written against plain send/receive closures so both the
/// coordinator and the worker (and tests) drive the exact same code.
public enum Handshake {
    /// What the coordinator learned about an accepted worker.
    public struct AcceptedWorker: Sendable {
        /// The worker's hello.
        public var hello: Hello
        /// The welcome we sent, with the worker's assigned id.
        public var welcome: Welcome
    }

    /// Runs the coordinator's side: check hello, prove ourselves, check the worker's proof, welcome it.
    ///
    /// On any failure a ``Refusal`` is sent (when the peer deserves an explanation) and the error is thrown; the
    /// caller closes the connection.
    /// - Parameters:
    ///   - secret: The run secret.
    ///   - expectedDigests: The worker binary digests we accept; empty accepts any binary.
    ///   - welcome: Builds the welcome from the hello (assigns the worker id), or throws to refuse an authenticated
    ///     worker (e.g. an id the coordinator did not launch); the error's message is sent in the refusal.
    ///   - receive: Returns the next message, or `nil` at end of stream.
    ///   - send: Sends one message.
    /// - Returns: The accepted worker.
    /// - Throws: ``ProtocolError``.
    public static func acceptWorker(
        secret: RunSecret,
        expectedDigests: Set<String>,
        welcome: (Hello) throws(ProtocolError) -> Welcome,
        receive: () async throws -> WireMessage?,
        send: (WireMessage) async throws -> Void
    ) async throws -> AcceptedWorker {
        guard case .hello(let hello) = try await Self.next(receive, expecting: "hello") else {
            throw ProtocolError(.unexpectedMessage, "expected hello")
        }
        guard hello.magic == ProtocolConstants.magic else {
            throw ProtocolError(.badMagic, "not a Fanout worker (magic 0x\(String(hello.magic, radix: 16)))")
        }
        guard hello.protocolVersion == ProtocolConstants.version else {
            let error = ProtocolError(
                .versionMismatch,
                "worker on \(hello.hostName) speaks protocol version \(hello.protocolVersion), "
                    + "coordinator speaks \(ProtocolConstants.version)"
            )
            try? await send(.refused(Refusal(code: error.code.description, message: error.message)))
            throw error
        }
        if !expectedDigests.isEmpty, !expectedDigests.contains(hello.binaryDigest) {
            let error = ProtocolError(
                .binaryMismatch,
                "worker on \(hello.hostName) runs binary sha256 \(hello.binaryDigest), "
                    + "coordinator expects sha256 \(expectedDigests.sorted().joined(separator: " or "))"
            )
            try? await send(.refused(Refusal(code: error.code.description, message: error.message)))
            throw error
        }
        guard hello.nonce.count == ProtocolConstants.nonceBytes else {
            throw ProtocolError(.malformed, "hello nonce has \(hello.nonce.count) bytes")
        }
        let nonce = RunSecret.nonce()
        let proof = secret.proof(for: .coordinator, answering: hello.nonce, with: nonce)
        try await send(.challenge(Challenge(nonce: nonce, proof: proof)))
        guard case .authenticate(let answer) = try await Self.next(receive, expecting: "authenticate") else {
            throw ProtocolError(.unexpectedMessage, "expected authenticate")
        }
        guard secret.verify(answer.proof, for: .worker, answering: nonce, with: hello.nonce) else {
            // No explanation: a peer without the secret learns nothing from us.
            throw ProtocolError(
                .authenticationFailed,
                "worker on \(hello.hostName) (pid \(hello.processID)) failed the run-secret challenge"
            )
        }
        let welcomeMessage: Welcome
        do {
            welcomeMessage = try welcome(hello)
        } catch {
            // The peer proved the secret: it may learn why it is refused.
            try? await send(.refused(Refusal(code: error.code.description, message: error.message)))
            throw error
        }
        try await send(.welcome(welcomeMessage))
        return AcceptedWorker(hello: hello, welcome: welcomeMessage)
    }

    /// Runs the worker's side: say hello, check the coordinator's proof, prove ourselves, wait for welcome.
    /// - Parameters:
    ///   - secret: The run secret.
    ///   - hello: Our hello (its nonce is the one the coordinator must sign).
    ///   - receive: Returns the next message, or `nil` at end of stream.
    ///   - send: Sends one message.
    /// - Returns: The coordinator's welcome.
    /// - Throws: ``ProtocolError``; `refused` carries the coordinator's reason.
    public static func joinCoordinator(
        secret: RunSecret,
        hello: Hello,
        receive: () async throws -> WireMessage?,
        send: (WireMessage) async throws -> Void
    ) async throws -> Welcome {
        try await send(.hello(hello))
        guard case .challenge(let challenge) = try await Self.next(receive, expecting: "challenge") else {
            throw ProtocolError(.unexpectedMessage, "expected challenge")
        }
        guard secret.verify(challenge.proof, for: .coordinator, answering: hello.nonce, with: challenge.nonce) else {
            throw ProtocolError(.authenticationFailed, "the coordinator does not know the run secret; not joining")
        }
        let proof = secret.proof(for: .worker, answering: challenge.nonce, with: hello.nonce)
        try await send(.authenticate(Authenticate(proof: proof)))
        guard case .welcome(let welcome) = try await Self.next(receive, expecting: "welcome") else {
            throw ProtocolError(.unexpectedMessage, "expected welcome")
        }
        return welcome
    }

    private static func next(
        _ receive: () async throws -> WireMessage?,
        expecting: String
    ) async throws -> WireMessage {
        guard let message = try await receive() else {
            throw ProtocolError(.connectionClosed, "connection closed while waiting for \(expecting)")
        }
        if case .refused(let refusal) = message {
            throw ProtocolError(.refused, "refused by peer: \(refusal.message) [\(refusal.code)]")
        }
        return message
    }
}
