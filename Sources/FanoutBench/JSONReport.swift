#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A bench report as JSON (report.json), and back.
public enum JSONReport {
    /// Encodes a report: keys sorted, indented, so two reports diff well.
    /// - Parameter report: The report.
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError` if a figure is not finite.
    public static func encode(_ report: BenchReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(report)
    }

    /// Decodes a report written by ``encode(_:)``.
    /// - Parameter data: UTF-8 JSON.
    /// - Returns: The report.
    /// - Throws: `DecodingError` when the data is not such a report.
    public static func decode(_ data: Data) throws -> BenchReport {
        try JSONDecoder().decode(BenchReport.self, from: data)
    }
}
