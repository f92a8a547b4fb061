import Crypto
import NIOCore

/// What one connection's frame codec knows about the handshake, shared by its decoder and its encoder: the frame
/// limit in force, and the keys and sequence numbers of per-frame authentication.
///
/// The first frame in each direction opens the handshake (the worker's `hello`, the coordinator's `challenge` or
/// `refused`) and travels bare. Both hold a fresh nonce, so once a side has sent its opener and received the
/// other's, it derives one key per direction from the run secret and the two openers (HKDF-SHA256, the openers'
/// hash as salt). From then on, when frames are authenticated (`plain` and `ssh-tunnel`), every frame, the
/// worker's `authenticate` and the coordinator's `welcome` among them, carries a ``FrameAuthenticator`` tag. The
/// switch happens inside the codec, on the event loop, at an exact frame boundary: no frame can slip through
/// between the handshake deciding and the codec knowing. Because the openers are in the key, an edited hello or
/// challenge makes the first tag of the other side fail.
///
/// Until the peer has proven the run secret, inbound frames are limited to
/// ``ProtocolConstants/handshakeFrameLimit`` bytes: the coordinator lifts the limit when a worker's `authenticate`
/// carries a valid proof (and tag), the worker when a `welcome` follows a valid challenge proof. An
/// unauthenticated peer therefore costs at most a few KiB of buffer.
///
/// Not thread-safe: the decoder and the encoder of one channel run on its event loop, and only they use it.
public final class WireSession {
    /// Which side of the connection this codec serves.
    public enum Role: Sendable {
        /// The coordinator: receives `hello` and `authenticate`, sends `challenge` and `welcome`.
        case coordinator
        /// A worker: sends `hello` and `authenticate`, receives `challenge` and `welcome`.
        case worker
    }

    /// This side's role.
    public let role: Role
    /// Whether frames after the openers carry tags (no for TLS, which gives integrity itself).
    public let authenticatesFrames: Bool
    /// The frame limit once the peer has proven the run secret (`limits.max_frame_bytes`).
    public let maximumFrameBytes: Int

    private let secret: RunSecret
    private var receivedOpener = false
    private var sentOpener = false
    private var inboundFramesAfterOpener: UInt64 = 0
    private var hello: (payload: [UInt8], nonce: [UInt8])?
    private var challenge: (payload: [UInt8], nonce: [UInt8], proofVerified: Bool)?
    private var inbound: FrameAuthenticator?
    private var outbound: FrameAuthenticator?
    private var peerProven = false

    /// Creates the state of one fresh connection.
    /// - Parameters:
    ///   - role: This side's role.
    ///   - secret: The run secret.
    ///   - authenticatesFrames: Whether frames after the openers carry tags.
    ///   - maximumFrameBytes: The frame limit once the peer has proven the secret.
    public init(role: Role, secret: RunSecret, authenticatesFrames: Bool, maximumFrameBytes: Int) {
        self.role = role
        self.secret = secret
        self.authenticatesFrames = authenticatesFrames
        self.maximumFrameBytes = maximumFrameBytes
    }

    /// The largest inbound payload accepted now.
    var inboundFrameLimit: Int {
        self.peerProven ? self.maximumFrameBytes : min(ProtocolConstants.handshakeFrameLimit, self.maximumFrameBytes)
    }

    /// Whether the peer has proven the run secret, so frames up to ``maximumFrameBytes`` are accepted.
    public var isPeerProven: Bool { self.peerProven }

    /// Bytes of tag at the end of the next inbound frame.
    var inboundTagBytes: Int {
        self.authenticatesFrames && self.receivedOpener ? FrameAuthenticator.tagBytes : 0
    }

    /// Checks the next inbound frame's tag (if any), decodes it, and moves the handshake state on.
    /// - Parameters:
    ///   - payload: The frame's payload.
    ///   - tag: Its tag, exactly ``inboundTagBytes`` long.
    /// - Returns: The message.
    /// - Throws: ``ProtocolError``: `authenticationFailed` for a wrong tag, `unexpectedMessage` for a tagged frame
    ///   before the openers were exchanged, or a decoding error.
    func open(payload: ByteBuffer, tag: ByteBuffer?) throws(ProtocolError) -> WireMessage {
        if let tag {
            guard var authenticator = self.inbound else {
                throw ProtocolError(.unexpectedMessage, "frame before the handshake's opening messages were exchanged")
            }
            let verified = try authenticator.verify(tag.readableBytesView, for: payload.readableBytesView)
            self.inbound = authenticator
            guard verified else {
                throw ProtocolError(
                    .authenticationFailed,
                    "frame \(self.inboundFramesAfterOpener + 1) after the handshake's opening failed its "
                        + "authentication tag: it was forged, edited, replayed or reordered on the way; closing"
                )
            }
        }
        let message = try WireMessage.decode(payload)
        if !self.receivedOpener {
            self.receivedOpener = true
            self.recordOpener(message, payload: payload.readableBytesView, sent: false)
        } else {
            self.inboundFramesAfterOpener += 1
            if self.inboundFramesAfterOpener == 1 { self.checkProof(message) }
        }
        return message
    }

    /// Moves the handshake state on for an outbound frame and returns the tag to append, if any.
    /// - Parameters:
    ///   - message: The message being sent.
    ///   - payload: Its encoded payload.
    /// - Returns: The tag, or `nil` when this frame travels bare.
    /// - Throws: ``ProtocolError`` when a frame must be tagged but the keys are not known yet.
    func seal(_ message: WireMessage, payload: ByteBufferView) throws(ProtocolError) -> [UInt8]? {
        guard self.sentOpener else {
            self.sentOpener = true
            self.recordOpener(message, payload: payload, sent: true)
            return nil
        }
        guard self.authenticatesFrames else { return nil }
        guard var authenticator = self.outbound else {
            throw ProtocolError(
                .unexpectedMessage,
                "cannot send \(message.kind) before the handshake's opening messages were exchanged"
            )
        }
        defer { self.outbound = authenticator }
        return try authenticator.nextTag(for: payload)
    }

    /// Keeps the opener of each direction: a coordinator hears `hello` and says `challenge`, a worker the reverse.
    private func recordOpener(_ message: WireMessage, payload: ByteBufferView, sent: Bool) {
        switch (message, self.role, sent) {
        case (.hello(let hello), .coordinator, false), (.hello(let hello), .worker, true):
            self.hello = (Array(payload), hello.nonce)
        case (.challenge(let challenge), .coordinator, true), (.challenge(let challenge), .worker, false):
            let verified =
                self.role == .worker
                && self.hello.map {
                    self.secret.verify(challenge.proof, for: .coordinator, answering: $0.nonce, with: challenge.nonce)
                } ?? false
            self.challenge = (Array(payload), challenge.nonce, verified)
        default:
            // A refusal, or a peer that opened with anything else: no keys, and the handshake ends.
            return
        }
        guard let hello = self.hello, let challenge = self.challenge else { return }
        let workerToCoordinator = self.deriveKey("fanout-frames-v1 worker-to-coordinator", hello, challenge)
        let coordinatorToWorker = self.deriveKey("fanout-frames-v1 coordinator-to-worker", hello, challenge)
        switch self.role {
        case .coordinator:
            self.inbound = FrameAuthenticator(key: workerToCoordinator)
            self.outbound = FrameAuthenticator(key: coordinatorToWorker)
        case .worker:
            self.inbound = FrameAuthenticator(key: coordinatorToWorker)
            self.outbound = FrameAuthenticator(key: workerToCoordinator)
        }
    }

    /// Lifts the handshake frame limit once the peer's first frame after the openers proves the secret.
    private func checkProof(_ message: WireMessage) {
        switch (message, self.role) {
        case (.authenticate(let answer), .coordinator):
            guard let hello = self.hello, let challenge = self.challenge else { return }
            self.peerProven = self.secret.verify(
                answer.proof,
                for: .worker,
                answering: challenge.nonce,
                with: hello.nonce
            )
        case (.welcome, .worker):
            self.peerProven = self.challenge?.proofVerified ?? false
        default:
            return
        }
    }

    private func deriveKey(
        _ label: String,
        _ hello: (payload: [UInt8], nonce: [UInt8]),
        _ challenge: (payload: [UInt8], nonce: [UInt8], proofVerified: Bool)
    ) -> SymmetricKey {
        var transcript = SHA256()
        for part in [hello.payload, challenge.payload] {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: part.count).bigEndian) {
                transcript.update(bufferPointer: $0)
            }
            transcript.update(data: part)
        }
        return HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: self.secret.bytes),
            salt: Array(transcript.finalize()),
            info: Array(label.utf8),
            outputByteCount: 32
        )
    }
}
