// A tiny dependency-free SVG line chart: axes with nice ticks and grid, axis labels, a title, a legend, line
// series with optional dash and point markers, and text annotations.
//
// Hand-written on purpose: no plotting package is available to this project (none in the package lists,
// no network for others), and the evidence plots need only lines, markers and labels. The output is
// deterministic (fixed number formatting, no timestamps), so regenerated plots diff cleanly in git.
// Coordinates are plain numbers here: the chart draws whatever the caller's axis labels say they are.
import Foundation

/// A point marker.
public enum ChartMarker: String, Sendable, Equatable {
    case none, circle, square, diamond, cross
}

/// One data series.
public struct ChartSeries: Sendable, Equatable {
    /// Legend text (an empty name leaves the series out of the legend).
    public var name: String
    /// Points in data coordinates, drawn in order.
    public var points: [(x: Double, y: Double)]
    /// CSS colour.
    public var color: String
    /// SVG dash pattern ("6 4"), or nil for a solid line.
    public var dash: String?
    /// Draw the connecting line.
    public var drawsLine: Bool
    /// Marker at each point.
    public var marker: ChartMarker
    /// Line width in pixels.
    public var lineWidth: Double

    /// Creates a series.
    public init(name: String, points: [(x: Double, y: Double)], color: String, dash: String? = nil,
                drawsLine: Bool = true, marker: ChartMarker = .none, lineWidth: Double = 1.5) {
        self.name = name
        self.points = points
        self.color = color
        self.dash = dash
        self.drawsLine = drawsLine
        self.marker = marker
        self.lineWidth = lineWidth
    }

    public static func == (lhs: ChartSeries, rhs: ChartSeries) -> Bool {
        lhs.name == rhs.name && lhs.color == rhs.color && lhs.dash == rhs.dash && lhs.drawsLine == rhs.drawsLine
            && lhs.marker == rhs.marker && lhs.lineWidth == rhs.lineWidth
            && lhs.points.elementsEqual(rhs.points) { $0.x == $1.x && $0.y == $1.y }
    }
}

/// A text placed at a data coordinate.
public struct ChartAnnotation: Sendable, Equatable {
    /// Data x.
    public var x: Double
    /// Data y.
    public var y: Double
    /// The text.
    public var text: String
    /// CSS colour.
    public var color: String

    /// Creates an annotation.
    public init(x: Double, y: Double, text: String, color: String = "#333") {
        self.x = x
        self.y = y
        self.text = text
        self.color = color
    }
}

/// A line chart rendered as a standalone SVG document.
public struct SVGLineChart: Sendable, Equatable {
    /// Title above the plot.
    public var title: String
    /// Optional second line under the title.
    public var subtitle: String?
    /// X axis label (with unit).
    public var xLabel: String
    /// Y axis label (with unit).
    public var yLabel: String
    /// The series, drawn in order (later on top).
    public var series: [ChartSeries]
    /// Texts on the plot.
    public var annotations: [ChartAnnotation] = []
    /// Fixed x range (otherwise from the data).
    public var xRange: ClosedRange<Double>?
    /// Fixed y range (otherwise from the data).
    public var yRange: ClosedRange<Double>?
    /// Document size in pixels.
    public var width = 900.0, height = 500.0

    /// Creates a chart.
    public init(title: String, subtitle: String? = nil, xLabel: String, yLabel: String, series: [ChartSeries],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xRange = xRange
        self.yRange = yRange
    }

    private static let margin = (left: 70.0, right: 230.0, top: 60.0, bottom: 55.0)

    /// The SVG document.
    public func render() -> String {
        let m = Self.margin
        let plotW = width - m.left - m.right, plotH = height - m.top - m.bottom
        let all = series.flatMap(\.points) + annotations.map { (x: $0.x, y: $0.y) }
        let xs = xRange.map { [$0.lowerBound, $0.upperBound] } ?? all.map(\.x)
        let ys = yRange.map { [$0.lowerBound, $0.upperBound] } ?? all.map(\.y)
        let xScale = NiceScale(minimum: xs.min() ?? 0, maximum: xs.max() ?? 1)
        let yScale = NiceScale(minimum: ys.min() ?? 0, maximum: ys.max() ?? 1)
        let (x0, x1) = xRange.map { ($0.lowerBound, $0.upperBound) } ?? (xScale.lower, xScale.upper)
        let (y0, y1) = yRange.map { ($0.lowerBound, $0.upperBound) } ?? (yScale.lower, yScale.upper)
        func px(_ x: Double) -> Double { m.left + (x - x0) / max(x1 - x0, 1e-12) * plotW }
        func py(_ y: Double) -> Double { m.top + plotH - (y - y0) / max(y1 - y0, 1e-12) * plotH }
        let f = { (v: Double) in String(format: "%.2f", v) }

        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" \
        viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(m.left))" y="24" font-size="16" font-weight="bold">\(Self.escape(title))</text>

        """
        if let subtitle {
            out += "<text x=\"\(f(m.left))\" y=\"42\" fill=\"#555\">\(Self.escape(subtitle))</text>\n"
        }
        // Grid and ticks.
        out += "<g stroke=\"#ddd\" stroke-width=\"1\">\n"
        for t in xScale.ticks where t >= x0 - 1e-9 && t <= x1 + 1e-9 {
            out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(m.top))\" x2=\"\(f(px(t)))\" y2=\"\(f(m.top + plotH))\"/>\n"
        }
        for t in yScale.ticks where t >= y0 - 1e-9 && t <= y1 + 1e-9 {
            out += "<line x1=\"\(f(m.left))\" y1=\"\(f(py(t)))\" x2=\"\(f(m.left + plotW))\" y2=\"\(f(py(t)))\"/>\n"
        }
        out += "</g>\n<g fill=\"#333\">\n"
        for t in xScale.ticks where t >= x0 - 1e-9 && t <= x1 + 1e-9 {
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(m.top + plotH + 18))\" text-anchor=\"middle\">\(xScale.label(t))</text>\n"
        }
        for t in yScale.ticks where t >= y0 - 1e-9 && t <= y1 + 1e-9 {
            out += "<text x=\"\(f(m.left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(yScale.label(t))</text>\n"
        }
        out += "</g>\n"
        // Axes and labels.
        out += "<rect x=\"\(f(m.left))\" y=\"\(f(m.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        out += "<text x=\"\(f(m.left + plotW / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        out += "<text x=\"18\" y=\"\(f(m.top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f(m.top + plotH / 2)))\">\(Self.escape(yLabel))</text>\n"
        // Data, clipped to the plot area.
        out += "<clipPath id=\"plot\"><rect x=\"\(f(m.left))\" y=\"\(f(m.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\"/></clipPath>\n"
        out += "<g clip-path=\"url(#plot)\">\n"
        for s in series {
            let dash = s.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            if s.drawsLine, s.points.count > 1 {
                let path = s.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"\(f(s.lineWidth))\"\(dash) points=\"\(path)\"/>\n"
            }
            for p in s.points { out += Self.marker(s.marker, px(p.x), py(p.y), s.color) }
        }
        for a in annotations {
            // Right of the point, or left of it in the right third of the plot so the text stays inside.
            let right = px(a.x) > m.left + plotW * 2 / 3
            let x = right ? px(a.x) - 4 : px(a.x) + 4
            out += "<text x=\"\(f(x))\" y=\"\(f(py(a.y) - 4))\" fill=\"\(a.color)\"\(right ? " text-anchor=\"end\"" : "")>\(Self.escape(a.text))</text>\n"
        }
        out += "</g>\n"
        // Legend, right of the plot.
        var ly = m.top + 8
        for s in series where !s.name.isEmpty {
            let lx = m.left + plotW + 14
            if s.drawsLine {
                let dash = s.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
                out += "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 26))\" y2=\"\(f(ly))\" stroke=\"\(s.color)\" stroke-width=\"\(f(s.lineWidth))\"\(dash)/>\n"
            }
            out += Self.marker(s.marker, lx + 13, ly, s.color)
            out += "<text x=\"\(f(lx + 32))\" y=\"\(f(ly + 4))\">\(Self.escape(s.name))</text>\n"
            ly += 20
        }
        out += "</svg>\n"
        return out
    }

    private static func marker(_ marker: ChartMarker, _ x: Double, _ y: Double, _ color: String) -> String {
        let f = { (v: Double) in String(format: "%.2f", v) }
        switch marker {
        case .none: return ""
        case .circle: return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3.5\" fill=\"\(color)\"/>\n"
        case .square: return "<rect x=\"\(f(x - 3.5))\" y=\"\(f(y - 3.5))\" width=\"7\" height=\"7\" fill=\"\(color)\"/>\n"
        case .diamond:
            return "<polygon points=\"\(f(x)),\(f(y - 5)) \(f(x + 5)),\(f(y)) \(f(x)),\(f(y + 5)) \(f(x - 5)),\(f(y))\" fill=\"\(color)\"/>\n"
        case .cross:
            return "<path d=\"M\(f(x - 4)),\(f(y - 4)) L\(f(x + 4)),\(f(y + 4)) M\(f(x - 4)),\(f(y + 4)) L\(f(x + 4)),\(f(y - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
        }
    }

    /// XML-escapes text content.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
