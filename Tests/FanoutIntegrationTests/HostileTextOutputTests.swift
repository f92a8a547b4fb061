import Foundation
import Testing

/// `fanout run` prints worker-sent text (error messages) in a table, JSON lines or CSV, and in its summary. A
/// compromised worker (the `hostile-text` attack) answers half its tasks with a message of terminal escapes, line
/// breaks, forged lines and a spreadsheet formula; every destination must keep it inert.
extension IntegrationSuite {
    static let hostileTextArguments = ["run", "noop", "--tasks", "6", "--workers", "1"]

    static func runWithHostileText(_ format: String) throws -> BoundedCommand.Output {
        let directory = try BoundedCommand.temporaryDirectory()
        let fanout = try Self.fanoutWithLyingWorkers(in: directory)
        let output = try BoundedCommand.run(
            "/usr/bin/env",
            ["FANOUT_ATTACK=hostile-text", fanout] + Self.hostileTextArguments + ["--format", format],
            directory: directory,
            timeout: .seconds(60)
        )
        #expect(output.status == 1, "3 of 6 tasks fail: \(output.status): \(output.standardError)")
        for (name, text) in [("stdout", output.standardOutput), ("stderr", output.standardError)] {
            let unsafe = text.unicodeScalars.filter {
                // CSV keeps line breaks (CR LF too) inside quoted fields, as RFC 4180 allows; the parser checks the rows.
                ($0.value < 0x20 && $0 != "\n" && !(format == "csv" && name == "stdout" && $0 == "\r"))
                    || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E
            }
            #expect(unsafe.isEmpty, "\(format) \(name) holds raw controls \(unsafe.map(\.value)): \(text)")
        }
        return output
    }

    @Test("JSON lines: one valid object per task, the worker's message escaped and intact")
    func hostileTextInJSONLines() throws {
        let output = try Self.runWithHostileText("jsonl")
        let lines = output.standardOutput.split(separator: "\n")
        #expect(lines.count == 6, "\(output.standardOutput)")
        var errors = 0
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let error = object["error"] as? String {
                errors += 1
                #expect(error.hasPrefix("=HYPERLINK") && error.contains("\u{1B}[2J") && error.contains("\n"))
            }
        }
        #expect(errors == 3)
    }

    @Test("CSV: seven fields per row, no field a spreadsheet would run as a formula")
    func hostileTextInCSV() throws {
        let output = try Self.runWithHostileText("csv")
        let rows = Self.parseCSV(output.standardOutput)
        #expect(rows.count == 7, "header and 6 rows: \(output.standardOutput)")
        for row in rows {
            #expect(row.count == 7, "\(row)")
            for field in row {
                #expect(!["=", "+", "-", "@"].contains(field.first.map(String.init) ?? ""), "formula: \(field)")
            }
        }
        #expect(rows.filter { $0.count == 7 && $0[3] == "failed" }.count == 3)
    }

    @Test("table and summary: the message is printed escaped, on its own line")
    func hostileTextInTable() throws {
        let output = try Self.runWithHostileText("table")
        #expect(output.standardOutput.contains("FAILED: =HYPERLINK"), "\(output.standardOutput)")
        #expect(output.standardOutput.contains("\\u{1B}[2J"), "escapes are shown, not sent")
        #expect(!output.standardOutput.contains("\nforged,line"), "a forged line began")
    }

    /// RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }
}
