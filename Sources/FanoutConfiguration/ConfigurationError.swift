/// An error found while reading or validating a `cluster.yaml` file.
///
/// Every error names the file and, when known, the line, column and dotted field (`hosts[1].port`) it is about, so
/// ``description`` reads like a compiler diagnostic: `cluster.yaml:12:11: field 'hosts[1].port': must be between 1
/// and 65535, got 70000`.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The kind of problem, stable enough to switch over; new codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case fileNotFound
            case unreadable
            case fileTooLarge
            case syntax
            case unknownKey
            case wrongType
            case invalidValue
            case missingField
            case duplicateKey
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The configuration file does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// The path exists but cannot be read as a text file (a directory, no permission, not UTF-8).
        public static let unreadable = Code(.unreadable)
        /// The file is larger than ``ClusterConfiguration/maximumFileBytes``.
        public static let fileTooLarge = Code(.fileTooLarge)
        /// The text is not valid YAML (bad indentation, unclosed bracket, tab indentation, undefined alias…).
        public static let syntax = Code(.syntax)
        /// A mapping holds a key the schema does not know; usually a typo.
        public static let unknownKey = Code(.unknownKey)
        /// A value has the wrong shape: a string where an integer belongs, a scalar where a list belongs.
        public static let wrongType = Code(.wrongType)
        /// A value has the right type but is out of range or inconsistent with another value.
        public static let invalidValue = Code(.invalidValue)
        /// A required field is absent.
        public static let missingField = Code(.missingField)
        /// The same key appears twice in one mapping.
        public static let duplicateKey = Code(.duplicateKey)

        /// The code's name, such as `unknownKey`.
        public var description: String {
            base.rawValue
        }
    }

    /// The kind of problem.
    public var code: Code
    /// The configuration file's path as given to ``ClusterConfiguration/load(path:)`` or
    /// ``ClusterConfiguration/parse(_:path:)``.
    public var path: String
    /// The 1-based line of the offending text, if known.
    public var line: Int?
    /// The 1-based column (in Unicode scalars, as editors count) of the offending text, if known.
    public var column: Int?
    /// The dotted field path, such as `scheduling.prefetch` or `hosts[0].address`, if the error is about a field.
    public var field: String?
    /// A human-readable explanation, such as `must be between 1 and 65535, got 70000`.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - path: The configuration file's path.
    ///   - line: The 1-based line, if known.
    ///   - column: The 1-based column, if known.
    ///   - field: The dotted field path, if the error is about a field.
    ///   - message: A human-readable explanation.
    public init(
        code: Code,
        path: String,
        line: Int? = nil,
        column: Int? = nil,
        field: String? = nil,
        message: String
    ) {
        self.code = code
        self.path = path
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `PATH:LINE:COL: field 'FIELD': MESSAGE`, leaving out the position and the field part when they are unknown.
    public var description: String {
        var text = path
        if let line {
            text += ":\(line)"
            if let column {
                text += ":\(column)"
            }
        }
        text += ": "
        if let field {
            text += "field '\(field)': "
        }
        return text + message
    }
}
