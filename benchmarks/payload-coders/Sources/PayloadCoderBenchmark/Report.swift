import FoundationEssentials

/// The results as a Markdown table (one row per shape and coder) or as JSON lines (one per case).
enum Report {
    static func markdown(_ results: [CaseResult], options: Options) -> String {
        var lines = [
            "Median time per operation over \(options.rounds) interleaved rounds (quartiles in brackets), "
                + "batches of about \(options.batchMilliseconds) ms.",
            "",
            "| Payload | Coder | Bytes | Encode µs | Decode µs | Encode + decode µs | × Compact |",
            "|---|---|--:|--:|--:|--:|--:|",
        ]
        var shapes: [String] = []
        for result in results where !shapes.contains(result.benchmarkCase.shape) {
            shapes.append(result.benchmarkCase.shape)
        }
        for shape in shapes {
            func find(_ coder: Coder, _ operation: BenchmarkCase.Operation) -> CaseResult? {
                results.first {
                    $0.benchmarkCase.shape == shape && $0.benchmarkCase.coder == coder
                        && $0.benchmarkCase.operation == operation
                }
            }
            guard let compactEncode = find(.compact, .encode), let compactDecode = find(.compact, .decode) else {
                continue
            }
            let compactTotal = compactEncode.median + compactDecode.median
            for coder in Coder.allCases {
                guard let encode = find(coder, .encode), let decode = find(coder, .decode) else { continue }
                let total = encode.median + decode.median
                let cells = [
                    shape, coder.rawValue, "\(encode.benchmarkCase.byteCount)", Self.cell(encode),
                    Self.cell(decode), Self.microseconds(total), Self.ratio(total / compactTotal),
                ]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func jsonLines(_ results: [CaseResult]) throws -> String {
        struct Line: Encodable {
            var shape: String
            var coder: String
            var operation: String
            var bytes: Int
            var iterationsPerBatch: Int
            var medianNanoseconds: Double
            var lowerQuartileNanoseconds: Double
            var upperQuartileNanoseconds: Double
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try results.map { result in
            let line = Line(
                shape: result.benchmarkCase.shape,
                coder: result.benchmarkCase.coder.rawValue,
                operation: result.benchmarkCase.operation.rawValue,
                bytes: result.benchmarkCase.byteCount,
                iterationsPerBatch: result.iterationsPerBatch,
                medianNanoseconds: result.median,
                lowerQuartileNanoseconds: result.lowerQuartile,
                upperQuartileNanoseconds: result.upperQuartile
            )
            return String(decoding: try encoder.encode(line), as: UTF8.self)
        }.joined(separator: "\n")
    }

    private static func cell(_ result: CaseResult) -> String {
        "\(Self.microseconds(result.median)) (\(Self.microseconds(result.lowerQuartile))–"
            + "\(Self.microseconds(result.upperQuartile)))"
    }

    /// Nanoseconds as microseconds with three significant figures or more.
    private static func microseconds(_ nanoseconds: Double) -> String {
        let value = nanoseconds / 1_000
        let decimals = value < 1 ? 3 : value < 10 ? 2 : value < 100 ? 1 : 0
        return Self.fixed(value, decimals: decimals)
    }

    private static func ratio(_ value: Double) -> String {
        Self.fixed(value, decimals: value < 10 ? 1 : 0) + "×"
    }

    /// Formats without Foundation's `String(format:)`, which FoundationEssentials does not have.
    private static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = scaled % Int(scale)
        guard decimals > 0 else { return "\(whole)" }
        let digits = String(fraction)
        return "\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }
}
