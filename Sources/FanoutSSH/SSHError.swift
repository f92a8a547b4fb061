/// A failure talking to one SSH host, with a message meant for the person running `fanout`.
public struct SSHError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure. A struct rather than an enum so that new codes are not breaking changes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case connectFailed, timedOut, handshakeFailed, hostKeyUnknown, hostKeyChanged, hostKeyRevoked
            case authenticationFailed
            case channelFailed, commandFailed, uploadFailed, disconnected, relayFailed
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The TCP connection could not be made (refused, unreachable, name not resolved).
        public static let connectFailed = Code(.connectFailed)
        /// A connect, handshake, authentication or command exceeded its time limit.
        public static let timedOut = Code(.timedOut)
        /// The SSH protocol handshake failed.
        public static let handshakeFailed = Code(.handshakeFailed)
        /// The host key is not in `known_hosts`.
        public static let hostKeyUnknown = Code(.hostKeyUnknown)
        /// `known_hosts` has a different key of the same type for this host.
        public static let hostKeyChanged = Code(.hostKeyChanged)
        /// `known_hosts` marks the presented key `@revoked`.
        public static let hostKeyRevoked = Code(.hostKeyRevoked)
        /// No key was accepted by the server.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// A channel could not be opened or the command could not be started.
        public static let channelFailed = Code(.channelFailed)
        /// Reading from or writing to a running command failed.
        public static let commandFailed = Code(.commandFailed)
        /// A file could not be uploaded.
        public static let uploadFailed = Code(.uploadFailed)
        /// The connection was lost.
        public static let disconnected = Code(.disconnected)
        /// A relayed command's local end (the coordinator's listener) could not be reached.
        public static let relayFailed = Code(.relayFailed)

        /// The code's name, e.g. `hostKeyChanged`.
        public var description: String { self.value.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The host (as given in the target) the failure concerns.
    public var host: String
    /// A complete sentence explaining what happened and, where possible, what to do.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - host: The host the failure concerns.
    ///   - message: A human-readable explanation.
    public init(code: Code, host: String, message: String) {
        self.code = code
        self.host = host
        self.message = message
    }

    /// The message, which already names the host.
    public var description: String { self.message }
}
