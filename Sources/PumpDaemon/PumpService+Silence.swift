// `silence [CODE]`: pause the audible alarm signal for the configured time (IEC 60601-1-8 "audio paused"),
// journaled with the peer that asked (SO_PEERCRED). The visual signal and the alarm itself stay.
import Foundation
import PumpControl
import PumpCore
import PumpJournal
import PumpProtocol

extension PumpService {
    /// Pauses the alarm audio of the active alarms (one code, or all) and answers the status.
    func silence(_ code: String?, actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        var alarmCode: AlarmCode?
        if let code {
            guard let known = AlarmCode(rawValue: code) else {
                return .failure(ProtocolError(code: .badRequest, message: "Unknown alarm code \(code); known codes: \(AlarmCode.allCases.map(\.rawValue).joined(separator: ", "))."))
            }
            alarmCode = known
        }
        var silenced: [AlarmCode] = []
        let refusal = runEngine { (engine) throws(EngineRefusal) in silenced = try engine.silence(alarmCode).codes }
        if let refusal { return .failure(ProtocolError(code: .invalidState, message: refusal.message)) }
        let seconds = configuration.alarmAudioPauseS
        let names = silenced.map(\.rawValue).joined(separator: ", ")
        writeEvent(.silence, actor: actor,
                   "\(actor.name) paused the alarm audio of \(names) for \(String(format: "%g", seconds)) s; the visual signal continues.",
                   details: JournalRecorder.json(["codes": names, "audio_pause_s": seconds]))
        return .success(.status(statusReport()))
    }
}
