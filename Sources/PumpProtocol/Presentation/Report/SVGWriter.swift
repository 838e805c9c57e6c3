// A minimal SVG writer for the report chart: shapes with explicit attributes, all text escaped, numbers with
// one decimal. No scripts, no external references.
import Foundation

/// Accumulates SVG elements.
struct SVGWriter {
    private(set) var text = ""

    mutating func open(width: Double, height: Double) {
        let w = HTMLText.number(width), h = HTMLText.number(height)
        text += "<svg viewBox=\"0 0 \(w) \(h)\" width=\"100%\" role=\"img\" "
            + "aria-label=\"Session chart\" font-family=\"'DejaVu Sans', 'Liberation Sans', Arial, sans-serif\">\n"
    }

    mutating func close() { text += "</svg>\n" }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String) {
        text += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill)\"/>\n"
    }

    mutating func frame(x: Double, y: Double, width: Double, height: Double) {
        text += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"none\" stroke=\"#9a9a9a\" stroke-width=\"1\"/>\n"
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, colour: String, width: Double, dash: String? = nil) {
        let dashed = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        text += "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(colour)\" stroke-width=\"\(n(width))\"\(dashed)/>\n"
    }

    mutating func dashedLine(x1: Double, y1: Double, x2: Double, y2: Double, colour: String) {
        line(x1: x1, y1: y1, x2: x2, y2: y2, colour: colour, width: 1.2, dash: "6 4")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double) {
        guard points.count > 1 else { return }
        text += "<polyline points=\"\(pointList(points))\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\"/>\n"
    }

    mutating func polygon(_ points: [(Double, Double)], fill: String) {
        guard points.count > 2 else { return }
        text += "<polygon points=\"\(pointList(points))\" fill=\"\(fill)\" stroke=\"none\"/>\n"
    }

    mutating func circle(x: Double, y: Double, r: Double, fill: String) {
        text += "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" fill=\"\(fill)\"/>\n"
    }

    /// A small triangle: pointing down (systolic, ▼) or up (diastolic, ▲) with its tip at (x, y).
    mutating func marker(x: Double, y: Double, down: Bool, colour: String) {
        let s = 4.5, d = down ? -1.0 : 1.0
        polygonOutline([(x, y), (x - s, y + d * 1.6 * s), (x + s, y + d * 1.6 * s)], fill: colour)
    }

    private mutating func polygonOutline(_ points: [(Double, Double)], fill: String) {
        text += "<polygon points=\"\(pointList(points))\" fill=\"\(fill)\"/>\n"
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String, colour: String, size: Double, weight: String = "normal") {
        text += "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" fill=\"\(colour)\" font-size=\"\(n(size))\" font-weight=\"\(weight)\">\(HTMLText.escape(content))</text>\n"
    }

    /// Horizontal gridlines at the scale's ticks.
    mutating func grid(_ scale: ChartScale, left: Double, right: Double) {
        for tick in scale.ticks {
            line(x1: left, y1: scale.position(tick), x2: right, y2: scale.position(tick), colour: "#e3e3e3", width: 1)
        }
    }

    /// Tick labels of a vertical scale.
    mutating func axisLabels(_ scale: ChartScale, x: Double, anchor: String, colour: String) {
        for tick in scale.ticks {
            text(tickLabel(tick, step: scale.step), x: x, y: scale.position(tick) + 4, anchor: anchor, colour: colour, size: 11)
        }
    }

    /// A row of legend entries: a swatch (line, dot or box) and its label.
    mutating func legend(_ entries: [(label: String, colour: String, kind: String)], x: Double, y: Double) {
        var cursor = x
        for entry in entries {
            switch entry.kind {
            case "box": rect(x: cursor, y: y - 9, width: 14, height: 10, fill: entry.colour)
            case "dot": circle(x: cursor + 7, y: y - 4, r: 3.5, fill: entry.colour)
            default: line(x1: cursor, y1: y - 4, x2: cursor + 14, y2: y - 4, colour: entry.colour, width: 2.4)
            }
            text(entry.label, x: cursor + 19, y: y, anchor: "start", colour: "#333333", size: 12)
            cursor += 19 + Double(entry.label.count) * 6.6 + 18
        }
    }

    private func tickLabel(_ value: Double, step: Double) -> String {
        step >= 1 ? String(Int(value.rounded())) : QuantityFormat.fixed(value, step >= 0.1 ? 1 : 2)
    }

    private func pointList(_ points: [(Double, Double)]) -> String {
        points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
    }

    private func n(_ value: Double) -> String { HTMLText.number(value) }
}
