/// Why a host pattern such as `node[1-16]` could not be read as a ``NodeSet``.
///
/// The message quotes the part of the pattern at fault and says how to write it; the configuration decoder puts it
/// after the file, line and field.
public struct NodeSetError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of problem, stable enough to switch over; new codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unbalancedBrackets
            case emptyGroup
            case notANumber
            case descendingRange
            case paddingMismatch
            case invalidStep
            case numberTooLarge
            case tooManyNames
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A `[` without its `]`, a `]` without its `[`, or a `[` inside brackets.
        public static let unbalancedBrackets = Code(.unbalancedBrackets)
        /// Empty brackets (`node[]`) or an empty element in a list (`node[1,,3]`, `node[1,]`).
        public static let emptyGroup = Code(.emptyGroup)
        /// An element that is not a number or a range of numbers (`node[a-b]`, `node[1-]`, `node[-3]`).
        public static let notANumber = Code(.notANumber)
        /// A range whose end is below its start (`node[3-1]`).
        public static let descendingRange = Code(.descendingRange)
        /// Both ends of a range are zero-padded, to different widths (`node[01-003]`).
        public static let paddingMismatch = Code(.paddingMismatch)
        /// A step (`node[1-9/2]`) that is zero or not a number.
        public static let invalidStep = Code(.invalidStep)
        /// A number with more digits than ``NodeSet/maximumDigits``.
        public static let numberTooLarge = Code(.numberTooLarge)
        /// The pattern stands for more names than the limit it was parsed with.
        public static let tooManyNames = Code(.tooManyNames)

        /// The code's name, such as `descendingRange`.
        public var description: String {
            base.rawValue
        }
    }

    /// The kind of problem.
    public var code: Code
    /// A human-readable explanation, such as `range '3-1' goes down; write '1-3'`.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - message: A human-readable explanation.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String {
        message
    }
}
