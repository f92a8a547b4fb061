/// The host names a pattern such as `lab-host[1-16]` stands for, in ClusterShell's node-set syntax.
///
/// Text outside brackets is kept as written; each bracket group is a comma-separated list of numbers (`7`), ranges
/// (`1-16`) and stepped ranges (`1-9/2`: 1, 3, 5, 7, 9). A number written with leading zeros keeps its width
/// (`node[01-32]` gives `node01` … `node32`). Several groups give every combination, the leftmost group changing
/// slowest: `rack[1-2]-node[1-3]` is `rack1-node1`, `rack1-node2`, `rack1-node3`, `rack2-node1`, …. Names come in
/// the order written and are not sorted or deduplicated: the configuration refuses a host listed twice rather than
/// guessing which entry was meant. A pattern without brackets stands for itself.
///
/// The set is a collection whose names are computed when read, and its size is known before any name is made, so
/// `node[1-1000000]` is refused by its count alone, without building a million strings.
public struct NodeSet: RandomAccessCollection, Sendable, Equatable {
    /// The most digits in one number of a pattern (so values stay below a billion and no arithmetic can overflow).
    public static let maximumDigits = 9
    /// The most names one pattern may stand for unless the caller passes another limit: 4,096, the configuration's
    /// limit on hosts per file (``ClusterConfiguration/maximumHosts``).
    public static let defaultMaximumCount = 4096

    /// One piece of a pattern: text kept as written, or the numbers of a bracket group, already formatted.
    private enum Part: Sendable, Equatable {
        case literal(String)
        case group([String])
    }

    /// The pattern as written.
    public let pattern: String
    private let parts: [Part]
    /// For each group, how many names pass before that group moves to its next number.
    private let strides: [Int]

    /// The first position, always 0.
    public let startIndex = 0
    /// The number of names.
    public let endIndex: Int

    /// Reads a pattern.
    /// - Parameters:
    ///   - pattern: Text with zero or more bracket groups, such as `node[01-32]` or `rack[1-2]-node[1,4-6]`.
    ///   - maximumCount: The most names the pattern may stand for.
    /// - Throws: ``NodeSetError`` for unbalanced or empty brackets, an element that is not a number or a range, a
    ///   descending range, mismatched padding, a bad step, a number longer than ``maximumDigits``, or more names
    ///   than `maximumCount` (found from the sizes of the groups, before any name is made).
    public init(parsing pattern: String, maximumCount: Int = Self.defaultMaximumCount) throws(NodeSetError) {
        self.pattern = pattern
        var pieces: [Piece] = []
        var literal = ""
        var groupText: String?
        var groupStart = 0
        for (offset, scalar) in pattern.unicodeScalars.enumerated() {
            switch scalar {
            case "[":
                if groupText != nil {
                    throw NodeSetError(
                        code: .unbalancedBrackets,
                        message: "'[' at character \(offset + 1) is inside another bracket group; groups do not nest"
                    )
                }
                if !literal.isEmpty {
                    pieces.append(.literal(literal))
                    literal = ""
                }
                groupText = ""
                groupStart = offset + 1
            case "]":
                guard let text = groupText else {
                    throw NodeSetError(
                        code: .unbalancedBrackets,
                        message: "']' at character \(offset + 1) has no '[' before it"
                    )
                }
                pieces.append(.group(try Self.parseGroup(text)))
                groupText = nil
            default:
                if groupText != nil {
                    groupText?.unicodeScalars.append(scalar)
                } else {
                    literal.unicodeScalars.append(scalar)
                }
            }
        }
        if groupText != nil {
            throw NodeSetError(
                code: .unbalancedBrackets,
                message: "'[' at character \(groupStart) is never closed with ']'"
            )
        }
        if !literal.isEmpty {
            pieces.append(.literal(literal))
        }

        // Every group's size is known from its bounds; check the product before making a single name.
        var total = 1
        for case .group(let elements) in pieces {
            var size = 0
            for element in elements {
                size += element.count
                if size > maximumCount {
                    break
                }
            }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            total = product
            if overflow || total > maximumCount {
                throw Self.tooMany(pattern, maximumCount)
            }
        }
        if total > maximumCount {
            throw Self.tooMany(pattern, maximumCount)
        }

        parts = pieces.map { piece in
            switch piece {
            case .literal(let text):
                return .literal(text)
            case .group(let elements):
                return .group(elements.flatMap { $0.formatted() })
            }
        }
        var strides: [Int] = []
        var stride = total
        for case .group(let numbers) in parts {
            stride /= numbers.count
            strides.append(stride)
        }
        self.strides = strides
        endIndex = total
    }

    /// The name at `position`.
    /// - Parameter position: An index from 0 to `count - 1`.
    public subscript(position: Int) -> String {
        precondition(indices.contains(position), "NodeSet index \(position) out of range 0..<\(endIndex)")
        var name = ""
        var group = 0
        for part in parts {
            switch part {
            case .literal(let text):
                name += text
            case .group(let numbers):
                name += numbers[(position / strides[group]) % numbers.count]
                group += 1
            }
        }
        return name
    }

    /// Whether the pattern has at least one bracket group, rather than naming a single host as written.
    public var hasGroups: Bool {
        parts.contains { if case .group = $0 { true } else { false } }
    }
}

extension NodeSet {
    /// A piece as first read: literal text, or a group's elements before they are formatted.
    private enum Piece {
        case literal(String)
        case group([Span])
    }

    /// One element of a bracket group: `lower-upper/step`, with `upper == lower` for a single number.
    private struct Span {
        var lower: Int
        var upper: Int
        var step: Int
        /// Zero-padding width, or 0 for none.
        var width: Int

        /// How many numbers the element stands for, computed without listing them.
        var count: Int {
            (upper - lower) / step + 1
        }

        func formatted() -> [String] {
            Swift.stride(from: lower, through: upper, by: step).map { value in
                let digits = String(value)
                return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
            }
        }
    }

    private static func tooMany(_ pattern: String, _ maximumCount: Int) -> NodeSetError {
        NodeSetError(
            code: .tooManyNames,
            message: "'\(shortened(pattern))' stands for more than \(maximumCount) names; the limit is \(maximumCount)"
        )
    }

    /// Reads the text between `[` and `]`.
    private static func parseGroup(_ text: String) throws(NodeSetError) -> [Span] {
        if text.isEmpty {
            throw NodeSetError(
                code: .emptyGroup,
                message: "empty brackets '[]'; write numbers or ranges inside, such as '[1-16]'"
            )
        }
        var elements: [Span] = []
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !element.isEmpty else {
                throw NodeSetError(
                    code: .emptyGroup,
                    message: "'[\(shortened(text))]' has an empty element; separate numbers and ranges with single "
                        + "commas, such as '[1-4,7]'"
                )
            }
            elements.append(try parseElement(element, group: text))
        }
        return elements
    }

    private static func parseElement(_ text: Substring, group: String) throws(NodeSetError) -> Span {
        var range = text
        var step = 1
        if let slash = text.firstIndex(of: "/") {
            range = text[..<slash]
            let stepText = text[text.index(after: slash)...]
            guard isDigits(stepText), stepText.count <= maximumDigits, let value = Int(stepText), value > 0 else {
                throw NodeSetError(
                    code: .invalidStep,
                    message: "'\(shortened(text))' has the step '\(shortened(stepText))'; a step is a whole number "
                        + "of at least 1, as in '1-9/2'"
                )
            }
            guard range.contains("-") else {
                throw NodeSetError(
                    code: .invalidStep,
                    message: "'\(shortened(text))' has a step but no range; a step follows a range, as in '1-9/2'"
                )
            }
            step = value
        }
        let bounds = range.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.allSatisfy(isDigits) else {
            var message =
                "'\(shortened(text))' in '[\(shortened(group))]' is not a number or a range of numbers "
                + "such as '1-16'"
            if group.contains(":") {
                message += "; IPv6 addresses are written without brackets"
            }
            throw NodeSetError(code: .notANumber, message: message)
        }
        if let long = bounds.first(where: { $0.count > maximumDigits }) {
            throw NodeSetError(
                code: .numberTooLarge,
                message: "'\(shortened(long))' has more than \(maximumDigits) digits"
            )
        }
        // Checked above: at most `maximumDigits` ASCII digits each, so these conversions cannot fail.
        let lowerText = bounds[0]
        let upperText = bounds.count == 2 ? bounds[1] : bounds[0]
        let lower = Int(lowerText) ?? 0
        let upper = Int(upperText) ?? 0
        guard lower <= upper else {
            throw NodeSetError(
                code: .descendingRange,
                message: "range '\(lowerText)-\(upperText)' goes down; write '\(upperText)-\(lowerText)'"
            )
        }
        let width = isPadded(lowerText) ? lowerText.count : 0
        if isPadded(upperText), upperText.count != lowerText.count {
            throw NodeSetError(
                code: .paddingMismatch,
                message: "range '\(lowerText)-\(upperText)' pads its ends to different widths; write both with "
                    + "the same number of digits, such as '\(padded(lower, upperText.count))-\(upperText)'"
            )
        }
        return Span(lower: lower, upper: upper, step: step, width: width)
    }

    /// Whether `text` is one or more ASCII digits.
    private static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Whether a number is written with leading zeros, which fix its width.
    private static func isPadded(_ text: Substring) -> Bool {
        text.count > 1 && text.first == "0"
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }

    /// `text` cut to a readable length for messages.
    private static func shortened(_ text: some StringProtocol) -> String {
        ConfigurationDecoder.abbreviate(String(text))
    }
}
