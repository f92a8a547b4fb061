/// An error raised while framing, decoding or authenticating protocol traffic.
///
/// Each error costs only the connection it happened on; the run goes on.
public struct ProtocolError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, as a stable machine-readable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { self.name }

        /// A frame announced a length above the configured maximum.
        public static let frameTooLarge = Code("frame-too-large")
        /// A frame ended before its message did.
        public static let truncated = Code("truncated")
        /// A frame held a message type or value this version does not know.
        public static let malformed = Code("malformed")
        /// The first frame did not start with Fanout's magic value.
        public static let badMagic = Code("bad-magic")
        /// The peers speak different protocol versions.
        public static let versionMismatch = Code("version-mismatch")
        /// The worker binary is not the one the coordinator expects.
        public static let binaryMismatch = Code("binary-mismatch")
        /// The peer failed the shared-secret challenge.
        public static let authenticationFailed = Code("authentication-failed")
        /// The peer sent a message that is not allowed at this point of the conversation.
        public static let unexpectedMessage = Code("unexpected-message")
        /// The peer went silent for longer than allowed.
        public static let timedOut = Code("timed-out")
        /// The connection closed before the conversation finished.
        public static let connectionClosed = Code("connection-closed")
        /// The peer refused us and said why.
        public static let refused = Code("refused")
        /// The coordinator's TLS certificate is not the one the worker was told to expect.
        public static let certificateMismatch = Code("certificate-mismatch")
        /// The TLS handshake failed for another reason (for example one side speaks plain TCP).
        public static let tlsFailed = Code("tls-failed")
    }

    /// The machine-readable code.
    public var code: Code
    /// A sentence for humans.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The machine-readable code.
    ///   - message: A sentence for humans.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.message) [\(self.code)]" }
}
