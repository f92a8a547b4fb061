import FanoutCoordinator
import FanoutJobs
import FanoutProtocol
import FanoutSessions

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Prints one line per finished task on stdout: a table, JSON lines or CSV.
///
/// JSON lines carry the keys `task` (0-based input index), `worker`, `host`, then `result` (the job's output as
/// JSON) or `error`, then `busy_ms` and `attempts`. Scripts may rely on these names.
final class ResultPrinter<W: Workload>: @unchecked Sendable {
    private let workload: W
    private let format: RunOptions.Format
    private let quiet: Bool
    private let encoder: JSONEncoder
    private var printedHeader = false
    private let out = FileHandleOutput.standardOutput

    init(workload: W, format: RunOptions.Format, quiet: Bool) {
        self.workload = workload
        self.format = format
        self.quiet = quiet
        self.encoder = JSONEncoder()
        self.encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
    }

    func print(_ result: TaskResult<W.J.Output>) {
        guard !self.quiet else { return }
        if !self.printedHeader {
            self.printedHeader = true
            switch self.format {
            case .table: self.out.write(Self.pad(["task", "worker", "host", "busy ms", "result"]) + "\n")
            case .csv: self.out.write("task,worker,host,status,result,busy_ms,attempts\n")
            case .jsonl: break
            }
        }
        let busy = result.busy.milliseconds
        let busyText = String(format3: busy)
        switch self.format {
        case .table:
            let text: String
            switch result.outcome {
            case .success(let output): text = UntrustedText.forTerminal(self.workload.describe(output))
            case .failure(let failure): text = "FAILED: \(UntrustedText.forTerminal(failure.message))"
            }
            // Worker ids, host names and error messages come from workers: no control characters reach the terminal.
            let fields = [
                "\(result.index)", UntrustedText.forTerminal(result.workerID, limit: 64),
                UntrustedText.forTerminal(result.host, limit: 255), busyText, text,
            ]
            self.out.write(Self.pad(fields) + "\n")
        case .jsonl:
            // Built by hand so the keys come in a fixed, documented order; values are encoded by JSONEncoder.
            var line =
                "{\"task\":\(result.index),\"worker\":\(Self.jsonString(result.workerID)),"
                + "\"host\":\(Self.jsonString(result.host)),"
            switch result.outcome {
            case .success(let output):
                line += "\"result\":\(self.json(output)),"
            case .failure(let failure):
                line += "\"error\":\(Self.jsonString(failure.message)),"
            }
            line += "\"busy_ms\":\(busyText),\"attempts\":\(result.attempts)}\n"
            self.out.write(line)
        case .csv:
            let value: String
            let status: String
            switch result.outcome {
            case .success(let output):
                status = "ok"
                value = (try? self.encoder.encode(output)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            case .failure(let failure):
                status = "failed"
                value = failure.message
            }
            let fields = [
                "\(result.index)", result.workerID, result.host, status, value, busyText, "\(result.attempts)",
            ]
            // Every field goes through the CSV escaper: a worker's text must not become a spreadsheet formula.
            self.out.write(fields.map { UntrustedText.forCSVField($0, limit: Int.max) }.joined(separator: ",") + "\n")
        }
    }

    func finish() { self.out.flush() }

    private static func pad(_ fields: [String]) -> String {
        let widths = [7, 10, 16, 9]
        var line = ""
        for (index, field) in fields.enumerated() {
            if index < widths.count {
                line += field + String(repeating: " ", count: max(1, widths[index] - field.count + 1))
            } else {
                line += field
            }
        }
        return line
    }

    /// A JSON string literal for text from a worker: quotes, backslashes and every character that is unsafe on a
    /// terminal or splits lines for some readers (controls, DEL, C1, U+2028/U+2029, bidirectional overrides) are
    /// `\uXXXX` escapes, so each result stays one line of plain JSON.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where UntrustedText.isUnsafe(scalar):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private func json<Value: Encodable>(_ value: Value) -> String {
        (try? self.encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

}
