/// The scaling sweep as an SVG chart: speedup against cores, one line per series, the ideal line `y = x`, axes
/// with ticks, and a legend. Written by hand as text, so it needs no graphics library.
public struct SweepPlot: Sendable {
    /// The points to draw.
    public var points: [SweepPoint]
    /// The chart's title.
    public var title: String

    /// The chart's size in pixels.
    static let width = 760.0
    static let height = 480.0
    static let left = 70.0
    static let right = 200.0
    static let top = 50.0
    static let bottom = 60.0
    /// Series colours, chosen to stay apart for colour-blind readers (Okabe–Ito).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

    /// Creates a plot.
    /// - Parameters:
    ///   - points: The sweep's points, any order.
    ///   - title: The chart's title.
    public init(points: [SweepPoint], title: String) {
        self.points = points
        self.title = title
    }

    /// The series in the order they first appear.
    public var seriesNames: [String] {
        var names: [String] = []
        for point in self.points where !names.contains(point.series) { names.append(point.series) }
        return names
    }

    /// The SVG document.
    /// - Returns: A complete, standalone SVG file.
    public func render() -> String {
        let maxCores = max(2, self.points.map(\.cores).max() ?? 2)
        let maxSpeedup = self.points.compactMap(\.speedup).max() ?? 1
        let yMax = Self.niceCeiling(max(Double(maxCores), maxSpeedup) * 1.05)
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        func x(_ cores: Double) -> Double { Self.left + (cores - 1) / Double(maxCores - 1) * plotWidth }
        func y(_ speedup: Double) -> Double { Self.top + plotHeight - speedup / yMax * plotHeight }
        func number(_ value: Double) -> String { NumberFormatting.fixed(value, 1) }

        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(Self.width))" height="\(Int(Self.height))" \
            viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" font-family="sans-serif" font-size="13">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(number(Self.left))" y="28" font-size="16" font-weight="bold">\(Self.escape(self.title))</text>

            """
        // Grid and ticks.
        svg += "<g class=\"axes\" stroke=\"#999\" stroke-width=\"1\">\n"
        let yStep = Self.niceStep(yMax / 6)
        let yTicks = Self.ticks(upTo: yMax, step: yStep)
        let xTicks = Array(stride(from: 1, through: maxCores, by: max(1, Int((Double(maxCores) / 10).rounded(.up)))))
        for tick in yTicks {
            svg +=
                "<line x1=\"\(number(Self.left))\" y1=\"\(number(y(tick)))\" x2=\"\(number(Self.left + plotWidth))\" "
            svg += "y2=\"\(number(y(tick)))\" stroke=\"#e5e5e5\"/>\n"
        }
        for cores in xTicks {
            svg +=
                "<line x1=\"\(number(x(Double(cores))))\" y1=\"\(number(Self.top))\" x2=\"\(number(x(Double(cores))))\" "
            svg += "y2=\"\(number(Self.top + plotHeight))\" stroke=\"#f0f0f0\"/>\n"
        }
        svg += "<line x1=\"\(number(Self.left))\" y1=\"\(number(Self.top + plotHeight))\" "
        svg += "x2=\"\(number(Self.left + plotWidth))\" y2=\"\(number(Self.top + plotHeight))\" stroke=\"#333\"/>\n"
        svg += "<line x1=\"\(number(Self.left))\" y1=\"\(number(Self.top))\" x2=\"\(number(Self.left))\" "
        svg += "y2=\"\(number(Self.top + plotHeight))\" stroke=\"#333\"/>\n</g>\n"
        svg += "<g class=\"tick-labels\" fill=\"#333\">\n"
        for tick in yTicks {
            svg += "<text x=\"\(number(Self.left - 8))\" y=\"\(number(y(tick) + 4))\" text-anchor=\"end\">"
            svg += "\(NumberFormatting.fixed(tick, yStep < 1 ? 1 : 0))</text>\n"
        }
        for cores in xTicks {
            svg += "<text x=\"\(number(x(Double(cores))))\" y=\"\(number(Self.top + plotHeight + 20))\" "
            svg += "text-anchor=\"middle\">\(cores)</text>\n"
        }
        svg += "<text x=\"\(number(Self.left + plotWidth / 2))\" y=\"\(number(Self.height - 15))\" "
        svg += "text-anchor=\"middle\">cores used (task slots)</text>\n"
        svg += "<text x=\"18\" y=\"\(number(Self.top + plotHeight / 2))\" text-anchor=\"middle\" "
        svg += "transform=\"rotate(-90 18 \(number(Self.top + plotHeight / 2)))\">speedup over 1 thread</text>\n"
        svg += "</g>\n"
        // The ideal line.
        let idealEnd = min(Double(maxCores), yMax)
        svg += "<g class=\"series\" data-series=\"ideal\"><title>ideal: speedup = cores</title>\n"
        svg += "<line x1=\"\(number(x(1)))\" y1=\"\(number(y(1)))\" x2=\"\(number(x(idealEnd)))\" "
        svg += "y2=\"\(number(y(idealEnd)))\" stroke=\"#777\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n</g>\n"
        // One line per series.
        for (index, name) in self.seriesNames.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let points = self.points.filter { $0.series == name && $0.speedup != nil }.sorted { $0.cores < $1.cores }
            svg += "<g class=\"series\" data-series=\"\(Self.escape(name))\"><title>\(Self.escape(name))</title>\n"
            let coordinates = points.map { "\(number(x(Double($0.cores)))),\(number(y($0.speedup ?? 0)))" }
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\" "
            svg += "points=\"\(coordinates.joined(separator: " "))\"/>\n"
            for point in points {
                svg += "<circle cx=\"\(number(x(Double(point.cores))))\" cy=\"\(number(y(point.speedup ?? 0)))\" "
                svg += "r=\"4\" fill=\"\(colour)\"><title>\(Self.escape(name)) \(point.cores) cores: "
                svg += "\(NumberFormatting.fixed(point.speedup, 2))× (\(Self.escape(point.label)))</title></circle>\n"
            }
            svg += "</g>\n"
        }
        // Legend.
        let legendX = Self.left + plotWidth + 20
        svg += "<g class=\"legend\">\n"
        var legendY = Self.top + 10
        svg += "<line x1=\"\(number(legendX))\" y1=\"\(number(legendY))\" x2=\"\(number(legendX + 24))\" "
        svg += "y2=\"\(number(legendY))\" stroke=\"#777\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
        svg += "<text x=\"\(number(legendX + 32))\" y=\"\(number(legendY + 4))\">ideal (= cores)</text>\n"
        for (index, name) in self.seriesNames.enumerated() {
            legendY += 22
            let colour = Self.palette[index % Self.palette.count]
            svg += "<line x1=\"\(number(legendX))\" y1=\"\(number(legendY))\" x2=\"\(number(legendX + 24))\" "
            svg += "y2=\"\(number(legendY))\" stroke=\"\(colour)\" stroke-width=\"2.5\"/>\n"
            svg += "<text x=\"\(number(legendX + 32))\" y=\"\(number(legendY + 4))\">\(Self.escape(name))</text>\n"
        }
        svg += "</g>\n</svg>\n"
        return svg
    }

    /// Text made safe for XML content and attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The values `0, step, 2·step …` up to `maximum` (and a hair above, so rounding cannot drop the last), added up
    /// one step at a time: the grid lines and their labels stand at the same values.
    /// - Parameters:
    ///   - maximum: The axis's top.
    ///   - step: The distance between ticks, above 0.
    /// - Returns: The tick values, ascending.
    static func ticks(upTo maximum: Double, step: Double) -> [Double] {
        var ticks: [Double] = []
        var tick = 0.0
        while tick <= maximum + 1e-9 {
            ticks.append(tick)
            tick += step
        }
        return ticks
    }

    /// The smallest of 1, 2, 5 × 10^k not below `value`.
    static func niceStep(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= value { magnitude *= 10 }
        while magnitude > value { magnitude /= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    /// `value` rounded up to a multiple of a nice step.
    static func niceCeiling(_ value: Double) -> Double {
        let step = Self.niceStep(value / 6)
        return (value / step).rounded(.up) * step
    }
}
