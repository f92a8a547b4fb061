/// An error thrown by ``CompactEncoder`` or ``CompactDecoder``.
///
/// Match on ``code`` (new codes may be added without breaking callers); ``message`` is for humans and
/// ``codingPath`` says where in the value the problem was found, e.g. `tasks[3].name`.
public struct CompactCodingError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure, stable enough to match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case truncated
            case invalidValue
            case typeMismatch
            case valueNotFound
            case keyNotFound
            case tooDeep
            case tooLarge
            case trailingBytes
            case unsupported
            case customError
        }

        private var base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The input ended in the middle of a value, or a length points past the end of its container.
        public static let truncated = Code(.truncated)
        /// The bytes are not a valid encoding: an unknown tag, a malformed varint, invalid UTF-8, or a number
        /// that does not fit the requested type.
        public static let invalidValue = Code(.invalidValue)
        /// The encoded value has a different type than the one requested.
        public static let typeMismatch = Code(.typeMismatch)
        /// A non-optional value was requested but the encoded value is nil.
        public static let valueNotFound = Code(.valueNotFound)
        /// A keyed container has no entry for a required key.
        public static let keyNotFound = Code(.keyNotFound)
        /// Values are nested deeper than the configured maximum depth.
        public static let tooDeep = Code(.tooDeep)
        /// A collection declares more elements than the configured maximum collection count.
        public static let tooLarge = Code(.tooLarge)
        /// Bytes remain after the top-level value.
        public static let trailingBytes = Code(.trailingBytes)
        /// The value used the `Encoder`/`Decoder` API in a way this format cannot represent, such as writing to a
        /// container after a sibling container was started.
        public static let unsupported = Code(.unsupported)
        /// The value's own `encode(to:)` or `init(from:)` threw an error of its own; see ``underlyingError``.
        public static let customError = Code(.customError)

        /// The code's name.
        public var description: String {
            switch self.base {
            case .truncated: "truncated"
            case .invalidValue: "invalidValue"
            case .typeMismatch: "typeMismatch"
            case .valueNotFound: "valueNotFound"
            case .keyNotFound: "keyNotFound"
            case .tooDeep: "tooDeep"
            case .tooLarge: "tooLarge"
            case .trailingBytes: "trailingBytes"
            case .unsupported: "unsupported"
            case .customError: "customError"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// Where in the value the failure happened, as keys and indices (`jobs[2].input.name`); empty at the top level.
    public var codingPath: String
    /// The offset of the offending byte in the input, when decoding.
    public var byteOffset: Int?
    /// The error thrown by the value's own Codable implementation, for ``Code/customError`` and mapped
    /// `DecodingError`s and `EncodingError`s.
    public var underlyingError: (any Error)?

    /// Whether a coding path has been attached yet; the innermost container that sees the error attaches it.
    var hasCodingPath: Bool

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A human-readable explanation.
    ///   - codingPath: Where in the value the failure happened.
    ///   - byteOffset: The offset of the offending byte in the input, if known.
    ///   - underlyingError: The error this one wraps, if any.
    public init(
        code: Code,
        message: String,
        codingPath: String = "",
        byteOffset: Int? = nil,
        underlyingError: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.codingPath = codingPath
        self.byteOffset = byteOffset
        self.underlyingError = underlyingError
        self.hasCodingPath = !codingPath.isEmpty
    }

    /// A one-line summary: code, path, offset and message.
    public var description: String {
        var text = "CompactCodingError.\(self.code)"
        if !self.codingPath.isEmpty {
            text += " at \(self.codingPath)"
        }
        if let byteOffset = self.byteOffset {
            text += " (byte \(byteOffset))"
        }
        return text + ": \(self.message)"
    }
}
