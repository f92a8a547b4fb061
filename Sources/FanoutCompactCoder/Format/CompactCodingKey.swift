/// A coding key the compact coder makes up itself: array indices, `super`, and keys read back for `allKeys`.
struct CompactCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    /// Whether this key stands for a position in an unkeyed container, so paths print it as `[n]`.
    var isIndex: Bool

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
        self.isIndex = false
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
        self.isIndex = false
    }

    init(index: Int) {
        self.stringValue = "Index \(index)"
        self.intValue = index
        self.isIndex = true
    }

    /// The key `superEncoder()` and `superDecoder()` use, as in Foundation's JSON coders.
    static let superKey = CompactCodingKey(stringValue: "super")

    /// Whether `string` is exactly how `String(value)` would spell `value`.
    ///
    /// Only such keys are stored as integers: a dictionary key `"007"` has the integer value 7 but must come back
    /// as `"007"`, so it is stored as a string. Checked digit by digit because it runs for every integer key.
    static func string(_ string: String, isCanonicalDecimalOf value: Int) -> Bool {
        let utf8 = string.utf8
        let magnitude = value.magnitude
        var digitCount = 1
        var scan = magnitude
        while scan >= 10 {
            scan /= 10
            digitCount += 1
        }
        let signCount = value < 0 ? 1 : 0
        guard utf8.count == digitCount + signCount else { return false }
        var index = utf8.endIndex
        var remaining = magnitude
        for _ in 0..<digitCount {
            index = utf8.index(before: index)
            guard utf8[index] == UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10) else { return false }
            remaining /= 10
        }
        return signCount == 0 || utf8[utf8.startIndex] == UInt8(ascii: "-")
    }

    /// Renders a coding path for error messages: `tasks[3].name`.
    static func describe(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue,
                (key as? CompactCodingKey)?.isIndex == true
                    || CompactCodingKey.string(key.stringValue, isCanonicalDecimalOf: index)
            {
                text += "[\(index)]"
            } else {
                if !text.isEmpty {
                    text += "."
                }
                text += key.stringValue
            }
        }
        return text
    }
}
