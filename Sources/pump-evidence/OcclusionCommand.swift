// `pump-evidence occlusion`: time to alarm, pressure at alarm and the bolus after the occlusion clears, at
// each rate and threshold, with and without back-off, for the shipped detection and the threshold alone.
import ArgumentParser
import EvidenceRuns
import Foundation
import PumpCore
import PumpEvidence

struct OcclusionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "occlusion",
        abstract: "Occlusion characterisation in the simulator: a table (CSV, markdown) and pressure plots.")

    @Option(name: .customLong("rate"), help: "Set rate in mL/h (repeatable).") var rates: [Double] = [1, 5]
    @Option(name: .customLong("threshold"), help: "Occlusion threshold in mmHg (repeatable; default: the lowest and highest allowed).")
    var thresholds: [Double] = [OcclusionCharacterisation.thresholdRange.lowerBound.value,
                                OcclusionCharacterisation.thresholdRange.upperBound.value]
    @Option(help: "Output directory.") var out = "docs/evidence"

    func validate() throws {
        guard rates.allSatisfy({ $0 > 0 }) else { throw ValidationError("Rates must be above 0 mL/h.") }
        let range = OcclusionCharacterisation.thresholdRange
        guard thresholds.allSatisfy({ range.contains(MillimetersOfMercury($0)) }) else {
            throw ValidationError("Thresholds must lie in the allowed \(fixed(range.lowerBound.value, 0))–\(fixed(range.upperBound.value, 0)) mmHg.")
        }
    }

    func run() throws {
        try Output.prepare(out)
        var table = TextTable(header: ["rate mL/h", "threshold mmHg", "detection", "back-off", "time to alarm min",
                                       "pressure at alarm mmHg", "back-off mL", "pressure at release mmHg", "bolus mL"])
        let wallStart = ContinuousClock.now
        for rateValue in rates {
            let rate = MillilitersPerHour(rateValue)
            var traces: [OcclusionTrialResult] = []
            for threshold in thresholds {
                for detection in OcclusionDetection.allCases {
                    for backOff in [true, false] {
                        let result = try OcclusionCharacterisation.run(OcclusionTrialConfiguration(
                            rate: rate, threshold: MillimetersOfMercury(threshold), backOff: backOff, detection: detection))
                        table.rows.append([
                            Output.rateLabel(rate), fixed(threshold, 0), detection.rawValue, backOff ? "on" : "off",
                            result.timeToAlarm.map { fixed($0.value, 2) } ?? "no alarm",
                            result.pressureAtAlarm.map { fixed($0.value, 1) } ?? "",
                            fixed(result.backOffVolume.value, 3), result.pressureAtRelease.map { fixed($0.value, 1) } ?? "",
                            result.bolus.map { fixed($0.value, 3) } ?? "",
                        ])
                        if backOff { traces.append(result) }
                    }
                }
            }
            let label = Output.rateLabel(rate)
            try Output.write(OcclusionChart.pressure(traces, rate: rate, window: nil).render(), to: out, "occlusion-\(label)mlh-pressure.svg")
            try Output.write(OcclusionChart.pressure(traces, rate: rate, window: 5).render(), to: out, "occlusion-\(label)mlh-pressure-first-5min.svg")
        }
        try Output.write(table.csv, to: out, "occlusion.csv")
        try Output.write(table.markdown, to: out, "occlusion.md")
        print(table.markdown)
        print("\(table.rows.count) trials in \(ContinuousClock.now - wallStart) wall")
    }
}

enum OcclusionChart {
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e"]

    /// Line pressure from the occlusion, one line per threshold and detection (back-off on), alarms marked.
    static func pressure(_ trials: [OcclusionTrialResult], rate: MillilitersPerHour, window: Double?) -> SVGLineChart {
        var series: [ChartSeries] = []
        var annotations: [ChartAnnotation] = []
        for (index, trial) in trials.enumerated() {
            let color = colors[index % colors.count]
            let name = "\(fixed(trial.configuration.threshold.value, 0)) mmHg, \(trial.configuration.detection.rawValue)"
            let points = trial.pressureTrace.filter { window == nil || $0.minutes <= window! + 0.05 }.map { ($0.minutes, $0.pressure) }
            // Trials that coincide (the trend detector alarms before either threshold) stay visible: dashed on top.
            let dash = trial.configuration.threshold == trials.first?.configuration.threshold ? nil : "7 4"
            series.append(ChartSeries(name: name, points: points, color: color, dash: dash, lineWidth: dash == nil ? 2.5 : 1.5))
            if let t = trial.timeToAlarm?.value, let p = trial.pressureAtAlarm?.value, window == nil || t <= window! {
                series.append(ChartSeries(name: "", points: [(t, p)], color: color, drawsLine: false, marker: .cross))
                annotations.append(ChartAnnotation(x: t, y: p, text: "alarm \(fixed(t, 2)) min, \(fixed(p, 0)) mmHg", color: color))
            }
        }
        let rateText = "\(Output.rateLabel(rate)) mL/h"
        var chart = SVGLineChart(
            title: "Occlusion at \(rateText): line pressure from the occlusion\(window.map { " (first \(fixed($0, 0)) min)" } ?? "")",
            subtitle: "BD 50 mL, C = 1.5 µL/mmHg, back-off on; × = alarm; the occlusion clears 2 min after the alarm",
            xLabel: "time since occlusion (min)", yLabel: "line pressure (mmHg)", series: series,
            xRange: window.map { 0...$0 })
        chart.annotations = annotations
        return chart
    }
}
