/// The first frame a worker sends. Carries what the coordinator checks before any secret is involved.
public struct Hello: Sendable, Equatable, Codable {
    /// Must equal ``ProtocolConstants/magic``.
    public var magic: UInt32
    /// The worker's protocol version.
    public var protocolVersion: UInt16
    /// Lower-case hex SHA-256 of the worker's executable.
    public var binaryDigest: String
    /// The host name the worker runs on, as the worker sees it.
    public var hostName: String
    /// The worker's process id on its host.
    public var processID: Int32
    /// How many tasks the worker runs at once.
    public var slots: Int
    /// The identifier the coordinator gave this worker when it launched it (empty if unknown).
    public var workerID: String
    /// Random bytes the coordinator must sign to prove it knows the run secret.
    public var nonce: [UInt8]

    /// Creates a hello message.
    public init(
        magic: UInt32 = ProtocolConstants.magic,
        protocolVersion: UInt16 = ProtocolConstants.version,
        binaryDigest: String,
        hostName: String,
        processID: Int32,
        slots: Int,
        workerID: String,
        nonce: [UInt8]
    ) {
        self.magic = magic
        self.protocolVersion = protocolVersion
        self.binaryDigest = binaryDigest
        self.hostName = hostName
        self.processID = processID
        self.slots = slots
        self.workerID = workerID
        self.nonce = nonce
    }
}

extension Hello {
    /// The punctuation allowed in a hello's host name and worker id besides ASCII letters and digits: enough for
    /// names and addresses (`node-1.lab`, `[fe80::1%eth0]:2222`), inert in a log, a terminal, a TSV file or a shell
    /// word.
    public static let namePunctuation: Set<Unicode.Scalar> = ["-", ".", "_", ":", "@", "[", "]", "%", "+"]

    /// Whether `text` is only ASCII letters, digits and ``namePunctuation``.
    /// - Parameter text: A host name or worker id.
    /// - Returns: `true` when every character is allowed.
    public static func isPlainName(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { Self.isPlainNameCharacter($0) }
    }

    /// A host name as a worker may send it: disallowed characters become `-`, at most
    /// ``ProtocolConstants/maximumHostNameBytes`` bytes, `unknown` when nothing is left. A worker sends its own
    /// name through this, so an unusual `gethostname` does not get it refused.
    /// - Parameter name: The host's name as the system reports it.
    /// - Returns: A name the coordinator's hello check accepts.
    public static func sendableHostName(_ name: String) -> String {
        let scalars = name.unicodeScalars.prefix(ProtocolConstants.maximumHostNameBytes).map {
            Self.isPlainNameCharacter($0) ? Character($0) : "-"
        }
        return scalars.isEmpty ? "unknown" : String(scalars)
    }

    private static func isPlainNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || Self.namePunctuation.contains(scalar)
    }
}

/// The coordinator's answer to ``Hello``: it proves knowledge of the secret and gives its own nonce.
public struct Challenge: Sendable, Equatable, Codable {
    /// Random bytes the worker must sign.
    public var nonce: [UInt8]
    /// HMAC-SHA256 over the worker's nonce and this nonce, keyed by the run secret.
    public var proof: [UInt8]

    /// Creates a challenge.
    public init(nonce: [UInt8], proof: [UInt8]) {
        self.nonce = nonce
        self.proof = proof
    }
}

/// The worker's proof that it knows the run secret.
public struct Authenticate: Sendable, Equatable, Codable {
    /// HMAC-SHA256 over both nonces, keyed by the run secret, with the worker's label.
    public var proof: [UInt8]

    /// Creates the message.
    public init(proof: [UInt8]) { self.proof = proof }
}

/// The coordinator accepts a worker.
public struct Welcome: Sendable, Equatable, Codable {
    /// The name the coordinator uses for this worker in results and logs.
    public var workerID: String
    /// How often the worker must send a heartbeat, in milliseconds.
    public var heartbeatIntervalMilliseconds: UInt32
    /// After this long without hearing from the coordinator, the worker exits, in milliseconds.
    public var heartbeatTimeoutMilliseconds: UInt32
    /// A task running longer than this fails as timed out and the worker exits, since a running job cannot be
    /// stopped any other way; in milliseconds, 0 for no limit (`scheduling.task_timeout`).
    public var taskTimeoutMilliseconds: UInt32

    /// Creates the message.
    public init(
        workerID: String,
        heartbeatIntervalMilliseconds: UInt32,
        heartbeatTimeoutMilliseconds: UInt32,
        taskTimeoutMilliseconds: UInt32 = 0
    ) {
        self.workerID = workerID
        self.heartbeatIntervalMilliseconds = heartbeatIntervalMilliseconds
        self.heartbeatTimeoutMilliseconds = heartbeatTimeoutMilliseconds
        self.taskTimeoutMilliseconds = taskTimeoutMilliseconds
    }
}

/// Why one side refuses the other.
public struct Refusal: Sendable, Equatable, Codable {
    /// The ``ProtocolError/Code`` name, e.g. `version-mismatch`.
    public var code: String
    /// A sentence for humans naming both sides' values.
    public var message: String

    /// Creates the message.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
