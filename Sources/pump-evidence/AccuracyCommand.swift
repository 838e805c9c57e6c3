// `pump-evidence accuracy`: the IEC 60601-2-24 flow test per rate, software-only (ideal mechanics) and with
// the mechanics' error sources, or the analysis of a recorded real-clock steps file.
import ArgumentParser
import EvidenceRuns
import Foundation
import PumpCore
import PumpEvidence

struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Start-up curve, mean error A and trumpet curve Ep(max)/Ep(min) per rate; CSV, SVG and a summary.")

    @Option(name: .customLong("rate"), help: "Set rate in mL/h (repeatable).") var rates: [Double] = [1, 5, 52.5]
    @Option(help: "Test duration in hours (2 = the standard's test; T2 is the second half).") var hours = 2.0
    @Option(help: "ideal, typical or both.") var mechanics = "both"
    @Option(help: "Lead-screw backlash in mm for the mechanics run.") var backlashMm = MechanicsModel.typical.backlash.value
    @Option(help: "Pusher-to-plunger slack in mm for the mechanics run.") var slackMm = MechanicsModel.typical.startupSlack.value
    @Option(help: "Syringe inner-diameter deviation in % for the mechanics run.")
    var diameterDeviationPercent = MechanicsModel.typical.diameterDeviation.value
    @Option(help: "Analyse a recorded steps file (pump-evidence record-steps) instead of running the simulator.")
    var stepsFile: String?
    @Option(help: "Output directory.") var out = "docs/evidence"

    func validate() throws {
        guard ["ideal", "typical", "both"].contains(mechanics) else {
            throw ValidationError("--mechanics must be ideal, typical or both, not \(mechanics).")
        }
        guard hours > 0, rates.allSatisfy({ $0 > 0 }) else { throw ValidationError("Rates and --hours must be above 0.") }
    }

    func run() throws {
        try Output.prepare(out)
        if let stepsFile {
            try analyseStepsFile(stepsFile)
            return
        }
        let duration = Minutes(hours * 60)
        let testProtocol = duration.value == 120 ? FlowTestProtocol.iec60601_2_24 : FlowTestProtocol.shortened(to: duration)
        let typical = MechanicsModel(backlash: Millimeters(backlashMm), startupSlack: Millimeters(slackMm),
                                     diameterDeviation: Percent(diameterDeviationPercent))
        let variants: [(String, MechanicsModel)] =
            (mechanics != "typical" ? [("ideal", MechanicsModel.ideal)] : []) + (mechanics != "ideal" ? [("mechanics", typical)] : [])
        var summary = AccuracySummary(testProtocol: testProtocol)
        for rateValue in rates {
            let rate = MillilitersPerHour(rateValue)
            var analysed: [AccuracyCase] = []
            for (name, model) in variants {
                let wallStart = ContinuousClock.now
                // A plunger-head encoder sees slack and backlash as lost steps and trips step-mismatch at start-up
                // (EvidenceRunsTests); the mechanics run stands for a pump measuring the pusher, so it runs without.
                let output = try AccuracyRunner.run(AccuracyRunConfiguration(
                    rate: rate, duration: duration, mechanics: model, encoderFitted: model.isIdeal))
                let wall = ContinuousClock.now - wallStart
                var views = [(name, output.readings)]
                if model.isIdeal { views.append(("\(name) at plunger", output.plungerReadings)) }
                for (view, readings) in views {
                    let result = try FlowAccuracyAnalysis.analyse(readings, setRate: rate, testProtocol: testProtocol)
                    analysed.append(AccuracyCase(variant: view, mechanics: model, output: output, result: result))
                    let prefix = "accuracy-\(Output.rateLabel(rate))mlh-\(view.replacingOccurrences(of: " at ", with: "-"))"
                    try Output.write(AccuracyFiles.flowTable(result, readings: readings).csv, to: out, "\(prefix).csv")
                    try Output.write(AccuracyFiles.trumpetTable(result, stepVolume: output.stepVolume).csv, to: out, "\(prefix)-trumpet.csv")
                    print("  \(Output.rateLabel(rate)) mL/h \(view): A = \(fixed(result.meanError.value, 3)) %, "
                          + "lost steps \(output.lostSteps.total), alarms \(output.alarms.map(\.rawValue)), run \(wall) wall")
                }
            }
            let label = "\(Output.rateLabel(rate)) mL/h"
            let note = analysed.first?.output?.exceedsSyringe == true
                ? "BD 50 mL geometry, barrel longer than real (\(fixed(rate.value * (hours * 60 + 10) / 60, 1)) mL programmed)"
                : "BD 50 mL"
            let subtitle = "\(testProtocol.caption); \(note); ΔV = \(fixed(analysed[0].stepVolume.value, 4)) µL/step; virtual time"
            try Output.write(AccuracyCharts.startUp(analysed, rate: rate, title: "Start-up curve, \(label)", subtitle: subtitle).render(),
                             to: out, "accuracy-\(Output.rateLabel(rate))mlh-startup.svg")
            try Output.write(AccuracyCharts.trumpet(analysed, rate: rate, title: "Trumpet curve, \(label)", subtitle: subtitle).render(),
                             to: out, "accuracy-\(Output.rateLabel(rate))mlh-trumpet.svg")
            summary.add(analysed, rate: rate)
        }
        try Output.write(summary.table.csv, to: out, "accuracy-summary.csv")
        try Output.write(summary.table.markdown, to: out, "accuracy-summary.md")
        print(summary.table.markdown)
    }

    private func analyseStepsFile(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let recording = try StepRecording.parse(text)
        let minutes = recording.duration.seconds / 60
        let whole = Minutes((minutes / 0.5).rounded(.down) * 0.5)
        let testProtocol = whole.value >= 120 ? FlowTestProtocol.iec60601_2_24 : FlowTestProtocol.shortened(to: whole)
        let readings = recording.balanceReadings()
        let result = try FlowAccuracyAnalysis.analyse(readings, setRate: recording.setRate, testProtocol: testProtocol)
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        try Output.write(AccuracyFiles.flowTable(result, readings: readings).csv, to: out, "\(name).csv")
        try Output.write(AccuracyFiles.trumpetTable(result, stepVolume: recording.stepVolume).csv, to: out, "\(name)-trumpet.csv")
        let item = AccuracyCase(variant: "real clock", mechanics: .ideal, output: nil, result: result,
                                stepVolume: recording.stepVolume, stepCount: recording.steps.count)
        let label = "\(Output.rateLabel(recording.setRate)) mL/h"
        let subtitle = "\(testProtocol.caption); recorded step instants, ideal mechanics; \(recording.steps.count) steps"
        try Output.write(AccuracyCharts.startUp([item], rate: recording.setRate, title: "Start-up curve, real clock, \(label)",
                                                subtitle: subtitle).render(), to: out, "\(name)-startup.svg")
        try Output.write(AccuracyCharts.trumpet([item], rate: recording.setRate, title: "Trumpet curve, real clock, \(label)",
                                                subtitle: subtitle).render(), to: out, "\(name)-trumpet.svg")
        var summary = AccuracySummary(testProtocol: testProtocol)
        summary.add([item], rate: recording.setRate)
        try Output.write(summary.table.markdown, to: out, "\(name)-summary.md")
        print(summary.table.markdown)
    }
}

/// One analysed run.
struct AccuracyCase {
    var variant: String
    var mechanics: MechanicsModel
    var output: AccuracyRunOutput?
    var result: FlowAccuracyResult
    var stepVolume: Microliters
    var stepCount: Int?

    init(variant: String, mechanics: MechanicsModel, output: AccuracyRunOutput?, result: FlowAccuracyResult,
         stepVolume: Microliters? = nil, stepCount: Int? = nil) {
        self.variant = variant
        self.mechanics = mechanics
        self.output = output
        self.result = result
        self.stepVolume = stepVolume ?? output?.stepVolume ?? .zero
        self.stepCount = stepCount
    }
}

extension FlowTestProtocol {
    /// "IEC 60601-2-24: S = 0.5 min, T = 120 min, T2 = 60–120 min".
    var caption: String {
        let standard = self == .iec60601_2_24 ? "IEC 60601-2-24" : "shortened IEC method"
        return "\(standard): S = \(fixed(sampleInterval.value, 1)) min, T = \(fixed(duration.value, 0)) min, "
            + "T2 = \(fixed(analysisStart.value, 0))–\(fixed(duration.value, 0)) min"
    }
}
