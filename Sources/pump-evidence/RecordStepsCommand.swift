// `pump-evidence record-steps`: runs the engine on the real clock and writes the step instants for
// `pump-evidence accuracy --steps-file`. Takes --minutes of real time; on demand only.
import ArgumentParser
import EvidenceRuns
import Foundation
import PumpCore
import PumpEvidence

struct RecordStepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record-steps",
        abstract: "Infuse on the real monotonic clock (DispatchScheduler) and record every step instant.")

    @Option(help: "Set rate in mL/h.") var rate = 52.5
    @Option(help: "Real minutes to run.") var minutes = 20.0
    @Option(help: "Steps file to write.") var out = "docs/evidence/realclock-52.5mlh.steps"

    func validate() throws {
        guard rate > 0, minutes >= 1 else { throw ValidationError("--rate must be above 0 and --minutes at least 1.") }
    }

    func run() throws {
        print("Recording \(fixed(minutes, 1)) min at \(rate) mL/h on the real clock…")
        let result = try RealClockRecorder.record(rate: MillilitersPerHour(rate), duration: Minutes(minutes))
        let comment = "real-clock run: DispatchScheduler speed 1, final state \(result.finalState.rawValue), "
            + "alarms \(result.alarms.map(\.rawValue)), worst emitter timer lateness \(fixed(result.worstTimerLateness.seconds * 1000, 3)) ms"
        let directory = (out as NSString).deletingLastPathComponent
        if !directory.isEmpty { try Output.prepare(directory) }
        try result.recording.fileText(comment: comment).write(toFile: out, atomically: true, encoding: .utf8)
        print("wrote \(out): \(result.recording.steps.count) steps; \(comment)")
    }
}
