// Rules a well-formed request must also satisfy beyond its JSON shape.
import Foundation

extension Request {
    /// The longest accepted correlation id, in characters.
    public static let maxIDLength = 128
    /// The longest accepted free-text field (override reason, patient id), in characters.
    public static let maxTextLength = 500

    /// The first rule this request breaks, as one sentence, or nil when it is well formed.
    ///
    /// These are protocol rules, not clinical limits (those live in the daemon): confirmation flags that
    /// must be present, exactly one titration target, bounded text.
    public var ruleViolation: String? {
        if id.isEmpty || id.count > Self.maxIDLength {
            return "The request id must be 1 to \(Self.maxIDLength) characters long."
        }
        if let maxParts, !(1...AnswerParts.maxParts).contains(maxParts) {
            return "The field max_parts must be 1 to \(AnswerParts.maxParts)."
        }
        switch command {
        case let .start(parameters):
            // HAZ-001: nothing starts without an explicit confirmation of the computed program.
            if !parameters.confirmed { return "A start request must carry confirmed: true after the program was shown and confirmed." }
            if let bound = RequestBounds.violation(parameters) { return bound }
            return textViolation(parameters.overrideReason, "override_reason") ?? textViolation(parameters.patientId, "patient_id")
        case let .validate(parameters):
            if let bound = RequestBounds.violation(parameters) { return bound }
            return textViolation(parameters.overrideReason, "override_reason") ?? textViolation(parameters.patientId, "patient_id")
        case let .titrate(parameters):
            if parameters.targetCount != 1 {
                return "A titrate request must set exactly one of dose_mg_per_kg, duration_min or rate_mg_per_kg_per_h."
            }
            if !parameters.dryRun && !parameters.confirmed {
                return "A titrate request that is not a dry run must carry confirmed: true."
            }
            if let bound = RequestBounds.violation(parameters) { return bound }
            return textViolation(parameters.overrideReason, "override_reason")
        case let .resumeInterrupted(confirmed, overrideReason):
            // HAZ-010: continuing after a restart is an explicit decision.
            if !confirmed { return "A resume-interrupted request must carry confirmed: true." }
            return textViolation(overrideReason, "override_reason")
        case let .log(_, limit):
            if let limit, limit < 1 { return "The field params.limit must be at least 1." }
            return RequestBounds.limit.violation(limit.map(Double.init))
        case let .ack(code), let .silence(code):
            return textViolation(code, "code")
        case let .sessions(patientId, limit):
            if let limit, limit < 1 { return "The field params.limit must be at least 1." }
            return RequestBounds.limit.violation(limit.map(Double.init)) ?? textViolation(patientId, "patient_id")
        case let .reportData(sessionId):
            return textViolation(sessionId, "session_id")
        case let .vitals(parameters):
            if [parameters.sbpMmHg, parameters.dbpMmHg, parameters.hrBpm, parameters.spo2Percent].contains(where: { !$0.isFinite }) {
                return "Every vital sign must be a finite number."
            }
            // Finite vital signs are bounded by the daemon's plausibility check (VitalSigns.implausibility), with
            // a clinical sentence, before anything uses them; none is ever converted to an integer.
            if parameters.source == .simulator { return "The source simulator is reserved for the daemon's own patient model." }
            return nil
        case let .syringeChange(parameters):
            if let bound = RequestBounds.violation(parameters) { return bound }
            return textViolation(parameters.syringe, "syringe")
        case .status, .pause, .resume, .stop, .estop, .simInject, .verify:
            return nil
        }
    }

    private func textViolation(_ text: String?, _ field: String) -> String? {
        guard let text, text.count > Self.maxTextLength else { return nil }
        return "The field \(field) is longer than \(Self.maxTextLength) characters."
    }
}
