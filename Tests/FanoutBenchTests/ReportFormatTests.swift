import FanoutBench
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Bench report formats: JSON, SVG, CSV, Markdown")
struct ReportFormatTests {
    @Test("report.json round-trips to an equal report")
    func jsonRoundTrip() throws {
        let report = ReportFixtures.report
        let data = try JSONReport.encode(report)
        let decoded = try JSONReport.decode(data)
        #expect(decoded == report)
        // A second encoding is byte for byte the same: keys are sorted.
        #expect(try JSONReport.encode(decoded) == data)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["modes"] as? [Any])?.count == 3)
        #expect(object["provenance"] is [String: Any])
        // Each mode's wall carries its interval and outlier count beside the samples; speedups carry theirs.
        let modes = try #require(object["modes"] as? [[String: Any]])
        let wall = try #require(modes[2]["wall"] as? [String: Any])
        #expect(wall["samples"] is [Any])
        let interval = try #require(wall["ci95"] as? [String: Double])
        #expect(interval.keys.sorted() == ["high", "low"])
        #expect(wall["outliers"] as? Int == 0)
        #expect(modes[2]["speedupCI95"] is [String: Double])
        #expect(modes[2]["efficiencyCI95"] is [String: Double])
        let warnings = try #require(object["warnings"] as? [[String: String]])
        #expect(warnings.first == ["code": "few-runs", "message": "only 3 measured run(s) per mode, a CI needs 6"])
    }

    @Test("the sweep SVG parses as XML and holds the ideal line and one series per mode with its points")
    func sweepPlotIsXML() throws {
        let report = ReportFixtures.report
        let svg = SweepPlot(points: report.sweep, title: "primes: speedup <vs> cores & more").render()
        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.rootElement == "svg")
        #expect(collector.series == ["ideal", "threads", "local workers", "local + hosts"])
        #expect(collector.circlesPerSeries["threads"] == 2)
        #expect(collector.circlesPerSeries["local workers"] == 2)
        #expect(collector.circlesPerSeries["local + hosts"] == 1)
        #expect(collector.polylinePointCounts == [2, 2, 1])
        #expect(collector.texts.contains("primes: speedup <vs> cores & more"))
        #expect(collector.texts.contains("cores used (task slots)"))
        #expect(collector.texts.contains("speedup over 1 thread"))
        #expect(collector.texts.contains("ideal (= cores)"))
        #expect(collector.texts.contains("local + hosts"))
    }

    @Test("CSV: a header, one row per mode, skipped mode, lesson, sweep point and overhead setting; quoted fields")
    func csv() throws {
        let text = CSVReport(report: ReportFixtures.report).render()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.first == Substring(CSVReport.columns.joined(separator: ",")))
        #expect(lines.count == 1 + 3 + 1 + 2 + 5 + 1 + 2)
        #expect(lines.contains { $0.hasPrefix("mode,local,2,2,4.4,4.3,4.6,") })
        #expect(lines.contains { $0.hasPrefix("skipped,remote,") })
        #expect(lines.contains { $0.hasPrefix("warning,frequency-governor,") })
        // Every row has the header's columns, so the file stays plain CSV (no comment lines).
        for line in lines where !line.contains("\"") {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == CSVReport.columns.count)
        }
        let local = try #require(lines.first { $0.hasPrefix("mode,local,") })
        let fields = local.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let column = { (name: String) in fields[CSVReport.columns.firstIndex(of: name) ?? 0] }
        let low = try #require(Double(column("ci95_low_s")))
        let high = try #require(Double(column("ci95_high_s")))
        #expect(low <= 4.4 && 4.4 <= high)
        #expect(column("outliers") == "0")
        #expect(Double(column("speedup_ci95_low")) != nil)
        #expect(CSVReport.field("a \"b\", c") == "\"a \"\"b\"\", c\"")
        #expect(CSVReport.field("plain") == "plain")
    }

    @Test("Markdown names every mode, the skipped one with its reason, the lessons, the sweep chart and provenance")
    func markdown() {
        let text = MarkdownReport(report: ReportFixtures.report, plotFileName: "sweep.svg").render()
        #expect(text.contains("| local | 2 | 2 | 4.400 s | [4.300 s–4.600 s] | [4.300 s–4.600 s] | 0 | 1.82× | ["))
        #expect(text.contains("## Warnings"))
        #expect(text.contains("- **frequency-governor**: governor `powersave`, not `performance`"))
        #expect(text.contains("- `remote` skipped: no hosts, the default cluster is local only"))
        #expect(text.contains("**wrong tool**"))
        #expect(text.contains("![speedup against cores](sweep.svg)"))
        #expect(text.contains("- load average before: 0.50, 1.00, 1.50"))
        #expect(text.contains("- host local: Example CPU @ 2.0GHz, 2 cores"))
    }
}

/// Collects what the SVG tests check while XMLParser walks the document.
final class SVGCollector: NSObject, XMLParserDelegate {
    var rootElement: String?
    var series: [String] = []
    var circlesPerSeries: [String: Int] = [:]
    var polylinePointCounts: [Int] = []
    var texts: [String] = []
    /// For each open element, the series it starts (a `g` with `data-series`), if any.
    private var open: [String?] = []
    private var text = ""

    private var currentSeries: String? { self.open.compactMap { $0 }.last }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if self.rootElement == nil { self.rootElement = elementName }
        let startsSeries = elementName == "g" ? attributes["data-series"] : nil
        if let startsSeries { self.series.append(startsSeries) }
        self.open.append(startsSeries)
        if elementName == "circle", let current = self.currentSeries {
            self.circlesPerSeries[current, default: 0] += 1
        }
        if elementName == "polyline", let points = attributes["points"] {
            self.polylinePointCounts.append(points.split(separator: " ").count)
        }
        self.text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { self.text += string }

    func parser(
        _ parser: XMLParser,
        didEndElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?
    ) {
        if elementName == "text" { self.texts.append(self.text) }
        _ = self.open.popLast()
        self.text = ""
    }
}
