// The accuracy CSV tables, the summary table and the two charts per rate.
import Foundation
import PumpCore
import PumpEvidence

enum AccuracyFiles {
    /// elapsed_min, delivered_ml, q_ml_per_h (Q_i over the interval ending at elapsed; empty for V_0).
    static func flowTable(_ result: FlowAccuracyResult, readings: [BalanceReading]) -> TextTable {
        var table = TextTable(header: ["elapsed_min", "delivered_ml", "q_ml_per_h"])
        let n = result.startUpCurve.count
        for (k, reading) in readings.prefix(n + 1).enumerated() {
            table.rows.append([fixed(reading.elapsed.value, 1), fixed(reading.delivered.value, 6),
                               k == 0 ? "" : fixed(result.startUpCurve[k - 1].flow.value, 4)])
        }
        return table
    }

    /// window_min, positions_m, ep_max_pct, ep_min_pct, a_pct, one_step_bound_pct.
    static func trumpetTable(_ result: FlowAccuracyResult, stepVolume: Microliters) -> TextTable {
        let targets = SoftwareAccuracyTargets()
        var table = TextTable(header: ["window_min", "positions_m", "ep_max_pct", "ep_min_pct", "a_pct", "one_step_bound_pct"])
        for point in result.trumpet {
            table.rows.append([
                fixed(point.window.value, 0), "\(point.positions)", fixed(point.maximumError.value, 4),
                fixed(point.minimumError.value, 4), fixed(result.meanError.value, 4),
                fixed(targets.trumpetBound(window: point.window, setRate: result.setRate, stepVolume: stepVolume).value, 4),
            ])
        }
        return table
    }
}

/// The all-rates summary.
struct AccuracySummary {
    let testProtocol: FlowTestProtocol
    private(set) var table: TextTable

    init(testProtocol: FlowTestProtocol) {
        self.testProtocol = testProtocol
        table = TextTable(header: ["rate mL/h", "run", "A %"]
            + testProtocol.windows.map { "Ep max / min P=\(fixed($0.value, 0)) min %" }
            + ["±1 step at P=\(fixed(testProtocol.windows.first?.value ?? 0, 0)) min %", "lost steps", "software targets"])
    }

    mutating func add(_ cases: [AccuracyCase], rate: MillilitersPerHour) {
        let targets = SoftwareAccuracyTargets()
        for item in cases {
            let verdict = targets.check(item.result, stepVolume: item.stepVolume)
            let run = item.mechanics.isIdeal ? item.variant : "\(item.variant): \(item.mechanics.summary)"
            let firstBound = item.result.trumpet.first.map {
                fixed(targets.trumpetBound(window: $0.window, setRate: rate, stepVolume: item.stepVolume).value, 3)
            } ?? ""
            let verdictText = !item.mechanics.isIdeal ? "n/a (mechanics)"
                : verdict.passed ? "met" : "NOT met (|A| \(verdict.meanErrorMet ? "ok" : "over"), windows \(verdict.windowsOutside.map { fixed($0.value, 0) })"
            table.rows.append([Output.rateLabel(rate), run, fixed(item.result.meanError.value, 3)]
                + item.result.trumpet.map { "\(fixed($0.maximumError.value, 3)) / \(fixed($0.minimumError.value, 3))" }
                + [firstBound, item.output.map { "\($0.lostSteps.total)" } ?? "", verdictText])
        }
    }
}

enum AccuracyCharts {
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]

    /// Q_i against time for every case, with the set rate.
    static func startUp(_ cases: [AccuracyCase], rate: MillilitersPerHour, title: String, subtitle: String) -> SVGLineChart {
        var series = cases.enumerated().map { index, item in
            ChartSeries(name: "Q_i, \(item.variant)", points: item.result.startUpCurve.map { ($0.elapsed.value, $0.flow.value) },
                        color: colors[index % colors.count], lineWidth: 1.2)
        }
        let end = cases.first?.result.testProtocol.duration.value ?? 120
        series.append(ChartSeries(name: "set rate \(fixed(rate.value, 2)) mL/h", points: [(0, rate.value), (end, rate.value)],
                                  color: "#555", dash: "6 4", lineWidth: 1))
        return SVGLineChart(title: title, subtitle: subtitle, xLabel: "time (min)", yLabel: "flow Q_i (mL/h)",
                            series: series, xRange: 0...end)
    }

    /// Ep(max), Ep(min) and A against the window P, with the ±1-step bound.
    static func trumpet(_ cases: [AccuracyCase], rate: MillilitersPerHour, title: String, subtitle: String) -> SVGLineChart {
        var series: [ChartSeries] = []
        let targets = SoftwareAccuracyTargets()
        for (index, item) in cases.enumerated() {
            let color = colors[index % colors.count]
            let windows = item.result.trumpet.map(\.window.value)
            series.append(ChartSeries(name: "Ep(max), \(item.variant)", points: item.result.trumpet.map { ($0.window.value, $0.maximumError.value) },
                                      color: color, marker: .circle))
            series.append(ChartSeries(name: "Ep(min), \(item.variant)", points: item.result.trumpet.map { ($0.window.value, $0.minimumError.value) },
                                      color: color, dash: "5 3", marker: .square))
            series.append(ChartSeries(name: "A = \(fixed(item.result.meanError.value, 3)) %, \(item.variant)",
                                      points: [(windows.first ?? 0, item.result.meanError.value), (windows.last ?? 0, item.result.meanError.value)],
                                      color: color, dash: "2 3", lineWidth: 1))
        }
        if let first = cases.first {
            let bound = first.result.trumpet.map { ($0.window.value, targets.trumpetBound(window: $0.window, setRate: rate, stepVolume: first.stepVolume).value) }
            series.append(ChartSeries(name: "±1 step (software target)", points: bound, color: "#888", dash: "1 3", lineWidth: 1))
            series.append(ChartSeries(name: "", points: bound.map { ($0.0, -$0.1) }, color: "#888", dash: "1 3", lineWidth: 1))
        }
        return SVGLineChart(title: title, subtitle: subtitle, xLabel: "observation window P (min)",
                            yLabel: "flow error (% of set rate)", series: series)
    }
}
