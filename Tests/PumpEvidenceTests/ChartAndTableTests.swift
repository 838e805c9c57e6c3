// The SVG chart writer and the CSV/markdown tables: structure, scaling and escaping.
import Foundation
import PumpEvidence
import Testing

@Suite("Charts and tables")
struct ChartAndTableTests {
    @Test("Nice scales: 0…120 ticks every 20; 0.94…1.02 every 0.02; a flat line still gets a range")
    func niceScales() {
        let minutes = NiceScale(minimum: 0, maximum: 120)
        #expect(minutes.ticks == [0, 20, 40, 60, 80, 100, 120])
        #expect(minutes.label(40) == "40")
        let flow = NiceScale(minimum: 0.94, maximum: 1.02)
        #expect(abs(flow.step - 0.02) < 1e-12)
        #expect(flow.lower <= 0.94 + 1e-12 && flow.upper >= 1.02 - 1e-12)  // 47 × 0.02 in floating point
        #expect(flow.label(0.96) == "0.96")
        let flat = NiceScale(minimum: 5, maximum: 5)
        #expect(flat.lower < 5 && flat.upper > 5)
    }

    @Test("A chart has its title, axis labels, one polyline per line series with every point, markers and the legend")
    func chartStructure() throws {
        let chart = SVGLineChart(
            title: "Trumpet <test> & more", xLabel: "window P (min)", yLabel: "error (%)",
            series: [
                ChartSeries(name: "Ep(max)", points: [(2, 0.4), (5, 0.2), (11, 0.1)], color: "#1f77b4", marker: .circle),
                ChartSeries(name: "bound", points: [(2, 0.66), (31, 0.04)], color: "#888", dash: "1 3"),
                ChartSeries(name: "", points: [(2, -0.66), (31, -0.04)], color: "#888"),
                ChartSeries(name: "alarm", points: [(3, 0.3)], color: "red", drawsLine: false, marker: .cross),
            ])
        let svg = chart.render()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("Trumpet &lt;test&gt; &amp; more"))
        #expect(svg.contains(">window P (min)</text>") && svg.contains(">error (%)</text>"))
        let polylines = svg.components(separatedBy: "<polyline").dropFirst()
        #expect(polylines.count == 3)
        let firstPoints = polylines.first?.components(separatedBy: "points=\"").last?.components(separatedBy: "\"").first ?? ""
        #expect(firstPoints.split(separator: " ").count == 3)
        #expect(svg.components(separatedBy: "<circle").count - 1 == 3 + 1)  // 3 points + the legend sample
        #expect(svg.contains("stroke-dasharray=\"1 3\""))
        #expect(svg.contains(">Ep(max)</text>") && svg.contains(">bound</text>") && svg.contains(">alarm</text>"))
        #expect(svg.components(separatedBy: "<text").count - 1 >= 3 + 2 + 1)  // legend + axis labels + title
    }

    @Test("Points map into the plot area: the x range's ends land on the plot's left and right edges")
    func scaling() {
        var chart = SVGLineChart(title: "t", xLabel: "x", yLabel: "y",
                                 series: [ChartSeries(name: "s", points: [(0, 0), (10, 1)], color: "#000")],
                                 xRange: 0...10, yRange: 0...1)
        chart.width = 900
        chart.height = 500
        let svg = chart.render()
        // Plot area: left 70, right 900 − 230 = 670, top 60, bottom 500 − 55 = 445.
        #expect(svg.contains("points=\"70.00,445.00 670.00,60.00\""))
    }

    @Test("CSV quotes cells with commas and quotes; markdown escapes pipes")
    func tables() {
        let table = TextTable(header: ["a", "b"], rows: [["1,5", "say \"hi\""], ["x|y", "-0.000"]])
        #expect(table.csv == "a,b\n\"1,5\",\"say \"\"hi\"\"\"\nx|y,-0.000\n")
        #expect(table.markdown == "| a | b |\n| --- | --- |\n| 1,5 | say \"hi\" |\n| x\\|y | -0.000 |\n")
        #expect(fixed(-0.00001, 3) == "0.000")
        #expect(fixed(2.0105, 2) == "2.01")
    }
}
