// The human text of `pumpctl status`.
import Foundation

/// Renders a status report as labelled lines, units always shown.
public enum StatusText {
    /// The status as text, one fact per line, no colour.
    public static func render(_ status: StatusReport, timeZone: TimeZone) -> String {
        var lines: [String] = []
        func add(_ label: String, _ value: String) {
            lines.append(label.padding(toLength: 12, withPad: " ", startingAt: 0) + value)
        }
        add("State", "\(status.state.rawValue.uppercased()) (motor \(status.motorEnabled ? "enabled" : "disabled"))")
        if let drug = programDescription(status) { add("Drug", drug) }
        if let patient = patientDescription(status) { add("Patient", patient) }
        if status.targetMg > 0 || status.deliveredMg > 0 {
            add("Delivered", deliveredDescription(status))
            if status.deliveredUncertaintyMl > 0 {
                add("Uncertain", uncertaintyDescription(status))
            }
            add("Rate", "\(QuantityFormat.mlPerH(status.rateMlPerH)) = \(QuantityFormat.mgPerKgPerH(status.rateMgPerKgPerH))")
            add("Time", timeDescription(status, timeZone: timeZone))
            if let index = status.syringeIndex, let left = status.syringeVolumeLeftMl {
                add("Syringe", "\(index) of the session, \(QuantityFormat.ml(left)) left in it")
            }
        } else {
            add("Program", "none")
        }
        if let plasma = VitalsText.plasma(status) { add("Plasma", plasma) }
        if let vitals = VitalsText.vitals(status) { add("Vitals", vitals) }
        var session = "backend \(status.backend.rawValue)"
        if let id = status.sessionId { session = "\(id), " + session }
        add("Session", session)
        for (label, library) in libraryLines(status) { add(label, library) }
        if status.alarms.isEmpty {
            add("Alarms", "none")
        } else {
            add("Alarms", "\(status.alarms.count) active")
            for alarm in status.alarms {
                lines.append("  " + AlarmText.line(alarm, timeZone: timeZone))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The library files in force ("Drug lib", "Syringes", "Lib extra") and the signature policy, when pumpd
    /// reports them.
    static func libraryLines(_ status: StatusReport) -> [(String, String)] {
        var lines: [(String, String)] = []
        if let drug = status.drugLibrary { lines.append(("Drug lib", drug.described)) }
        if let syringes = status.syringeLibrary { lines.append(("Syringes", syringes.described)) }
        for extra in status.libraryExtensions ?? [] { lines.append(("Lib extra", "\(extra.role): \(extra.described)")) }
        if let policy = status.librarySignature { lines.append(("Signatures", policy)) }
        return lines
    }

    /// "ketamine 1.00 mg/mL, mood profile, syringe bd-50", or nil when no program is loaded.
    static func programDescription(_ status: StatusReport) -> String? {
        guard let drug = status.drug else { return nil }
        var parts = [drug + (status.concentrationMgPerMl.map { " " + QuantityFormat.mgPerMl($0) } ?? "")]
        if let profile = status.profile { parts.append("\(profile.rawValue) profile") }
        if let syringe = status.syringe { parts.append("syringe \(syringe)") }
        return parts.joined(separator: ", ")
    }

    private static func patientDescription(_ status: StatusReport) -> String? {
        var parts: [String] = []
        if let id = status.patientId { parts.append(id) }
        if let weight = status.dosingWeightKg { parts.append("dosing weight \(QuantityFormat.kg(weight))") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    private static func deliveredDescription(_ status: StatusReport) -> String {
        var text = "\(QuantityFormat.mg(status.deliveredMg)) of \(QuantityFormat.mg(status.targetMg))"
            + " (\(QuantityFormat.ml(status.deliveredMl)) of \(QuantityFormat.ml(status.targetMl)))"
        if let percent = QuantityFormat.percent(delivered: status.deliveredMg, target: status.targetMg) {
            text += ", \(percent) %"
        }
        return text
    }

    /// The uncertainty after a crash recovery, in mL and (when the concentration is known) mg, rounded up
    /// because it is an upper bound.
    static func uncertaintyDescription(_ status: StatusReport) -> String {
        var text = "up to \(QuantityFormat.fixed(status.deliveredUncertaintyMl, 2, rounding: .up)) mL"
        if let concentration = status.concentrationMgPerMl {
            text += " (\(QuantityFormat.fixed(status.deliveredUncertaintyMl * concentration, 2, rounding: .up)) mg)"
        }
        return text + " more may have been delivered before the restart"
    }

    private static func timeDescription(_ status: StatusReport, timeZone: TimeZone) -> String {
        var text = "elapsed \(QuantityFormat.duration(seconds: status.elapsedS, rounding: .down))"
            + ", remaining \(QuantityFormat.duration(seconds: status.remainingS, rounding: .up))"
        if let end = status.expectedEnd { text += ", expected end \(QuantityFormat.clock(end, timeZone: timeZone))" }
        return text
    }
}

/// One-line alarm descriptions.
public enum AlarmText {
    /// "HIGH    occlusion: Downstream occlusion detected. (raised 14:03:12)"
    public static func line(_ alarm: AlarmDTO, timeZone: TimeZone) -> String {
        let priority = alarm.priority.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)
        let origin = alarm.fromBeforeRestart == true ? ", from before the restart" : ""
        return "\(priority) \(alarm.code): \(alarm.message) (raised \(QuantityFormat.clockWithSeconds(alarm.raisedAt, timeZone: timeZone))\(origin))\(AudioPauseText.suffix(alarm, timeZone: timeZone))"
    }
}
