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
        // Until the peer proves the secret it learns nothing from us: refusals before that name only what it sent.
        guard hello.protocolVersion == ProtocolConstants.version else {
            try? await send(
                .refused(
                    Refusal(
                        code: ProtocolError.Code.versionMismatch.description,
                        message: "this coordinator does not speak protocol version \(hello.protocolVersion)"
                    )
                )
            )
            throw ProtocolError(
                .versionMismatch,
                "a worker speaks protocol version \(hello.protocolVersion), "
                    + "coordinator speaks \(ProtocolConstants.version)"
            )
        }
        if let problem = Self.problem(with: hello) {
            try? await send(.refused(Refusal(code: ProtocolError.Code.malformed.description, message: problem)))
            throw ProtocolError(.malformed, problem)
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
        // Only now, with the secret proven, may the peer learn which binaries we expect.
        if !expectedDigests.isEmpty, !expectedDigests.contains(hello.binaryDigest) {
            let error = ProtocolError(
                .binaryMismatch,
                "worker on \(hello.hostName) runs binary sha256 \(hello.binaryDigest), "
                    + "coordinator expects sha256 \(expectedDigests.sorted().joined(separator: " or "))"
            )
            try? await send(.refused(Refusal(code: error.code.description, message: error.message)))
            throw error
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

    /// What is wrong with a hello's strings and nonce, or `nil`: each is bounded, and the host name, worker id and
    /// digest use only characters that are inert in a log, a terminal, a TSV file or a shell word.
    private static func problem(with hello: Hello) -> String? {
        if hello.hostName.isEmpty || hello.hostName.utf8.count > ProtocolConstants.maximumHostNameBytes
            || !Hello.isPlainName(hello.hostName)
        {
            return "hello host name must be 1 to \(ProtocolConstants.maximumHostNameBytes) ASCII letters, digits "
                + "or any of - . _ : @ [ ] % +"
        }
        if hello.workerID.utf8.count > ProtocolConstants.maximumWorkerIDBytes || !Hello.isPlainName(hello.workerID) {
            return "hello worker id must be at most \(ProtocolConstants.maximumWorkerIDBytes) ASCII letters, digits "
                + "or any of - . _ : @ [ ] % +"
        }
        if hello.binaryDigest.isEmpty || hello.binaryDigest.utf8.count > ProtocolConstants.maximumBinaryDigestBytes
            || !hello.binaryDigest.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        {
            return
                "hello binary digest must be 1 to \(ProtocolConstants.maximumBinaryDigestBytes) lower-case ASCII letters "
                + "or digits"
        }
        if hello.nonce.count != ProtocolConstants.nonceBytes {
            return "hello nonce has \(hello.nonce.count) bytes, not \(ProtocolConstants.nonceBytes)"
        }
        return nil
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
