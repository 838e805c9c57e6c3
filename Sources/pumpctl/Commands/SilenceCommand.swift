// pumpctl silence [CODE]: pause the audible alarm signal for the configured time (IEC 60601-1-8).
import ArgumentParser
import Foundation
import PumpProtocol

/// Pauses the alarm audio; the lights continue and the sound comes back by itself.
struct SilenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Pause the alarm sound of active alarms for a while (default 2 min); the lights continue.",
        discussion: """
            The sound returns by itself when the time ends (pumpd.toml alarm_audio_pause_s, at most 300 s), and \
            at once for a new alarm of the same or a higher priority. Silencing does not acknowledge the alarm \
            and never touches the motor.
            """
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Alarm code, e.g. occlusion (all active alarms when omitted).") var code: String?

    func run() throws {
        let session = PumpSession(options: global)
        let result = try session.send(.silence(code: code))
        guard !session.json else { return }
        if case let .status(status) = result, let until = AudioPauseText.pausedUntil(status.alarms, now: Date()) {  // wall-clock: display of the pause end
            Output.line("Alarm audio paused until \(QuantityFormat.clockWithSeconds(until, timeZone: .current)); the lights continue.")
            Output.line(StatusText.render(status, timeZone: .current))
        } else {
            report(result, session: session, done: "Alarm audio paused.")
        }
    }
}
