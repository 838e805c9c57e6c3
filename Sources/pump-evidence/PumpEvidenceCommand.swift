// pump-evidence: produces the repository's accuracy and occlusion evidence (docs/evidence) from the real
// control loop on the plant simulator in virtual time, or from a recorded real-clock run.
//
//   pump-evidence accuracy  [--rate R]… [--hours 2] [--mechanics ideal|typical|both] [--out DIR]
//   pump-evidence accuracy  --steps-file FILE [--out DIR]
//   pump-evidence occlusion [--rate R]… [--threshold P]… [--out DIR]
//   pump-evidence record-steps --rate 52.5 --minutes 20 --out FILE      (real time: takes --minutes)
import ArgumentParser
import Foundation

@main
struct PumpEvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pump-evidence",
        abstract: "IEC 60601-2-24 flow accuracy (start-up and trumpet curves) and occlusion characterisation.",
        subcommands: [AccuracyCommand.self, OcclusionCommand.self, RecordStepsCommand.self])
}
