// One line of the session history (`sessions`), also the header of a session report (`report-data`).
import Foundation

/// A past or current infusion session as recorded in the journal. Quantities carry their unit in the key.
public struct SessionSummaryDTO: Sendable, Equatable, Codable {
    /// Session identifier (the journal's row id as text).
    public var sessionId: String
    /// Patient identifier, when one was given.
    public var patientId: String?
    /// Wall-clock time the session opened.
    public var startedAt: Date
    /// Wall-clock time it closed; nil while it is open.
    public var endedAt: Date?
    /// Drug name.
    public var drug: String
    /// Drug-library profile name (`mood`, `pain`, or a newer one).
    public var profile: String
    /// Concentration in the syringe, mg/mL.
    public var concentrationMgPerMl: Double?
    /// Syringe model.
    public var syringe: String?
    /// Weight the dose was computed on, kg.
    public var dosingWeightKg: Double?
    /// Programmed total dose per kg of dosing weight (final revision), mg/kg.
    public var doseMgPerKg: Double?
    /// Programmed total dose (final revision), mg.
    public var targetMg: Double
    /// Programmed total volume (final revision), mL.
    public var targetMl: Double
    /// Delivered dose: from the close record, or the last checkpoint while open, mg.
    public var deliveredMg: Double
    /// Delivered volume, mL.
    public var deliveredMl: Double
    /// Pump time from opening to closing (or to the last checkpoint while open), seconds.
    public var durationS: Double
    /// How it ended (`completed`, `stopped`, `estop`, `abandoned`) or, while open, the pump state
    /// (`running`, `paused`, `alarm`, `interrupted`) or `open`.
    public var outcome: String
    /// The reason recorded with the close, if any.
    public var endReason: String?
    /// Number of alarms raised during the session.
    public var alarmCount: Int
    /// Their codes, in the order raised (duplicates kept).
    public var alarmCodes: [String]
    /// Syringe changes in the session (absent from an older pumpd).
    public var syringeChanges: Int?

    /// Creates a session summary.
    public init(
        sessionId: String, patientId: String?, startedAt: Date, endedAt: Date?, drug: String, profile: String,
        concentrationMgPerMl: Double?, syringe: String?, dosingWeightKg: Double?, doseMgPerKg: Double?,
        targetMg: Double, targetMl: Double, deliveredMg: Double, deliveredMl: Double, durationS: Double,
        outcome: String, endReason: String?, alarmCount: Int, alarmCodes: [String]
    ) {
        self.sessionId = sessionId
        self.patientId = patientId
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.drug = drug
        self.profile = profile
        self.concentrationMgPerMl = concentrationMgPerMl
        self.syringe = syringe
        self.dosingWeightKg = dosingWeightKg
        self.doseMgPerKg = doseMgPerKg
        self.targetMg = targetMg
        self.targetMl = targetMl
        self.deliveredMg = deliveredMg
        self.deliveredMl = deliveredMl
        self.durationS = durationS
        self.outcome = outcome
        self.endReason = endReason
        self.alarmCount = alarmCount
        self.alarmCodes = alarmCodes
    }

    enum CodingKeys: String, CodingKey {
        case drug, profile, syringe, outcome
        case sessionId = "session_id"
        case patientId = "patient_id"
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case concentrationMgPerMl = "concentration_mg_per_ml"
        case dosingWeightKg = "dosing_weight_kg"
        case doseMgPerKg = "dose_mg_per_kg"
        case targetMg = "target_mg"
        case targetMl = "target_ml"
        case deliveredMg = "delivered_mg"
        case deliveredMl = "delivered_ml"
        case durationS = "duration_s"
        case endReason = "end_reason"
        case alarmCount = "alarm_count"
        case alarmCodes = "alarm_codes"
        case syringeChanges = "syringe_changes"
    }
}
