import FanoutConfiguration
import Testing

/// A bad pattern, the code it must be refused with and the exact message.
struct BadPattern: Sendable, CustomTestStringConvertible {
    var pattern: String
    var code: NodeSetError.Code
    var message: String

    init(_ pattern: String, _ code: NodeSetError.Code, _ message: String) {
        self.pattern = pattern
        self.code = code
        self.message = message
    }

    var testDescription: String {
        pattern
    }
}

@Suite("Node-set patterns (host ranges)")
struct NodeSetTests {
    @Test("a name without brackets stands for itself")
    func plainName() throws {
        let names = try NodeSet(parsing: "build1.lab.example")
        #expect(Array(names) == ["build1.lab.example"])
        #expect(!names.hasGroups)
    }

    @Test("a single range counts up, in order")
    func singleRange() throws {
        let names = try NodeSet(parsing: "lab-host[1-16]")
        #expect(names.count == 16)
        #expect(names.first == "lab-host1")
        #expect(names.last == "lab-host16")
        #expect(Array(names) == (1...16).map { "lab-host\($0)" })
        #expect(names.hasGroups)
    }

    @Test("leading zeros keep their width")
    func paddedRange() throws {
        let names = try NodeSet(parsing: "node[01-32]")
        #expect(names.count == 32)
        #expect(Array(names.prefix(3)) == ["node01", "node02", "node03"])
        #expect(names[9] == "node10")
        #expect(names.last == "node32")
        #expect(Array(try NodeSet(parsing: "n[008-011]")) == ["n008", "n009", "n010", "n011"])
        // Only the lower bound decides the width; a wider upper bound simply has more digits.
        #expect(Array(try NodeSet(parsing: "n[08-100/46]")) == ["n08", "n54", "n100"])
        #expect(Array(try NodeSet(parsing: "n[0-2]")) == ["n0", "n1", "n2"])
    }

    @Test("lists of numbers and ranges, mixed with padding, keep the order written")
    func lists() throws {
        #expect(Array(try NodeSet(parsing: "node[1-4,7]")) == ["node1", "node2", "node3", "node4", "node7"])
        #expect(
            Array(try NodeSet(parsing: "node[1-4,7,09-10]"))
                == ["node1", "node2", "node3", "node4", "node7", "node09", "node10"]
        )
        #expect(Array(try NodeSet(parsing: "node[9,2,5]")) == ["node9", "node2", "node5"])
        #expect(Array(try NodeSet(parsing: "node[7]")) == ["node7"])
    }

    @Test("a stepped range takes every n-th number")
    func steppedRange() throws {
        #expect(Array(try NodeSet(parsing: "n[1-9/2]")) == ["n1", "n3", "n5", "n7", "n9"])
        #expect(Array(try NodeSet(parsing: "n[1-10/4]")) == ["n1", "n5", "n9"])
    }

    @Test("several groups give every combination, the leftmost changing slowest")
    func cartesianProduct() throws {
        let names = try NodeSet(parsing: "rack[1-2]-node[1-3]")
        #expect(
            Array(names) == [
                "rack1-node1", "rack1-node2", "rack1-node3", "rack2-node1", "rack2-node2", "rack2-node3",
            ]
        )
        let three = try NodeSet(parsing: "[1-2]x[01,03].r[5-6]")
        #expect(three.count == 8)
        #expect(Array(three.prefix(4)) == ["1x01.r5", "1x01.r6", "1x03.r5", "1x03.r6"])
        #expect(three.last == "2x03.r6")
    }

    @Test("text after the last group and groups at the start are kept")
    func groupsAtEitherEnd() throws {
        #expect(Array(try NodeSet(parsing: "[1-2].lab")) == ["1.lab", "2.lab"])
        #expect(Array(try NodeSet(parsing: "10.0.0.[5-7]")) == ["10.0.0.5", "10.0.0.6", "10.0.0.7"])
    }

    static let badPatterns: [BadPattern] = [
        BadPattern("node[3-1]", .descendingRange, "range '3-1' goes down; write '1-3'"),
        BadPattern(
            "node[a-b]",
            .notANumber,
            "'a-b' in '[a-b]' is not a number or a range of numbers such as '1-16'"
        ),
        BadPattern("node[]", .emptyGroup, "empty brackets '[]'; write numbers or ranges inside, such as '[1-16]'"),
        BadPattern(
            "node[1,,3]",
            .emptyGroup,
            "'[1,,3]' has an empty element; separate numbers and ranges with single commas, such as '[1-4,7]'"
        ),
        BadPattern(
            "node[1,]",
            .emptyGroup,
            "'[1,]' has an empty element; separate numbers and ranges with single commas, such as '[1-4,7]'"
        ),
        BadPattern("node[1-4", .unbalancedBrackets, "'[' at character 5 is never closed with ']'"),
        BadPattern("node1-4]", .unbalancedBrackets, "']' at character 8 has no '[' before it"),
        BadPattern(
            "node[1-[2]]",
            .unbalancedBrackets,
            "'[' at character 8 is inside another bracket group; groups do not nest"
        ),
        BadPattern(
            "node[1-]",
            .notANumber,
            "'1-' in '[1-]' is not a number or a range of numbers such as '1-16'"
        ),
        BadPattern(
            "node[-3]",
            .notANumber,
            "'-3' in '[-3]' is not a number or a range of numbers such as '1-16'"
        ),
        BadPattern(
            "node[1-2-3]",
            .notANumber,
            "'1-2-3' in '[1-2-3]' is not a number or a range of numbers such as '1-16'"
        ),
        BadPattern(
            "node[ 1-2]",
            .notANumber,
            "' 1-2' in '[ 1-2]' is not a number or a range of numbers such as '1-16'"
        ),
        BadPattern(
            "[::1]",
            .notANumber,
            "'::1' in '[::1]' is not a number or a range of numbers such as '1-16'; IPv6 addresses are written "
                + "without brackets"
        ),
        BadPattern(
            "node[01-003]",
            .paddingMismatch,
            "range '01-003' pads its ends to different widths; write both with the same number of digits, such as "
                + "'001-003'"
        ),
        BadPattern(
            "node[1-9/0]",
            .invalidStep,
            "'1-9/0' has the step '0'; a step is a whole number of at least 1, as in '1-9/2'"
        ),
        BadPattern(
            "node[1-9/x]",
            .invalidStep,
            "'1-9/x' has the step 'x'; a step is a whole number of at least 1, as in '1-9/2'"
        ),
        BadPattern("node[5/2]", .invalidStep, "'5/2' has a step but no range; a step follows a range, as in '1-9/2'"),
        BadPattern("node[1-1234567890]", .numberTooLarge, "'1234567890' has more than 9 digits"),
        BadPattern(
            "node[1-4097]",
            .tooManyNames,
            "'node[1-4097]' stands for more than 4096 names; the limit is 4096"
        ),
        BadPattern(
            "r[1-100]n[1-100]",
            .tooManyNames,
            "'r[1-100]n[1-100]' stands for more than 4096 names; the limit is 4096"
        ),
    ]

    @Test("bad patterns are refused with a code and a message that quotes the fault", arguments: badPatterns)
    func badPatternsAreRefused(_ bad: BadPattern) {
        let error = #expect(throws: NodeSetError.self, "\(bad.pattern)") {
            try NodeSet(parsing: bad.pattern)
        }
        #expect(error?.code == bad.code, "\(bad.pattern): \(error?.description ?? "no error")")
        #expect(error?.message == bad.message, "\(bad.pattern)")
    }

    @Test("exactly the limit is allowed, one more is not, and the limit can be lowered")
    func limitIsExact() throws {
        #expect(try NodeSet(parsing: "n[1-4096]").count == 4096)
        #expect(try NodeSet(parsing: "n[1-64]m[1-64]").count == 4096)
        #expect(throws: NodeSetError.self) { try NodeSet(parsing: "n[1-3]", maximumCount: 2) }
        #expect(throws: NodeSetError.self) { try NodeSet(parsing: "single", maximumCount: 0) }
        #expect(try NodeSet(parsing: "n[1-2]", maximumCount: 2).count == 2)
    }

    @Test("a million names, or a product past Int, are refused from the counts alone, in well under a second")
    func hugeRangesAreRefusedFast() {
        let patterns = [
            "node[1-1000000]", "node[0-999999999]", "a[0-999999999]b[0-999999999]c[0-999999999]",
            "n[" + Array(repeating: "0-999999999", count: 1000).joined(separator: ",") + "]",
        ]
        for pattern in patterns {
            let start = ContinuousClock.now
            let error = #expect(throws: NodeSetError.self) { try NodeSet(parsing: pattern) }
            let elapsed = ContinuousClock.now - start
            #expect(error?.code == .tooManyNames, "\(pattern.prefix(40)): \(error?.description ?? "no error")")
            #expect(elapsed < .milliseconds(200), "\(pattern.prefix(40)) took \(elapsed)")
        }
    }
}
