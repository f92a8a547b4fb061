extension WorkerLaunch {
    /// The two lines a launcher writes to a worker's standard input before anything else: the run secret (hex),
    /// then the channel security (`tls <sha256 hex>` or `plain`). Standard input then stays open for the worker's
    /// life: its end tells the worker that whoever started it is gone.
    public struct StandardInput: Sendable, Equatable {
        /// The run secret.
        public var secret: RunSecret
        /// TLS with the fingerprint to pin, or plain TCP.
        public var channelSecurity: ChannelSecurity

        /// Describes the launch lines.
        /// - Parameters:
        ///   - secret: The run secret.
        ///   - channelSecurity: How the worker secures its connection.
        public init(secret: RunSecret, channelSecurity: ChannelSecurity) {
            self.secret = secret
            self.channelSecurity = channelSecurity
        }

        /// Both lines, each ending in a newline, as bytes to write.
        public var bytes: [UInt8] {
            Array((self.secret.hexEncoded + "\n" + self.channelSecurity.launchLine + "\n").utf8)
        }

        /// Reads the first line.
        /// - Parameter line: The line without its newline.
        /// - Returns: The secret, or `nil` when the line is not one (hex, at least 16 bytes).
        public static func secret(fromLine line: String) -> RunSecret? { RunSecret(hexEncoded: line) }

        /// Reads the second line.
        /// - Parameter line: The line without its newline.
        /// - Returns: The channel security it names.
        /// - Throws: ``ProtocolError`` when the line is neither `plain` nor `tls <sha256 hex>`.
        public static func channelSecurity(fromLine line: String) throws(ProtocolError) -> ChannelSecurity {
            try ChannelSecurity(launchLine: line)
        }
    }
}
