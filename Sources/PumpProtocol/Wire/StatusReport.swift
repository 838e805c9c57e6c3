// The payload of `status`.
import Foundation

/// A snapshot of the pump. Quantities carry their unit in the key; times are seconds or ISO-8601.
public struct StatusReport: Sendable, Equatable, Codable {
    /// The pump state.
    public var state: PumpStateDTO
    /// Drug of the current or last session.
    public var drug: String?
    /// Profile of the current or last session.
    public var profile: Profile?
    /// Patient identifier, when one was given.
    public var patientId: String?
    /// Weight the dose is computed on, kg.
    public var dosingWeightKg: Double?
    /// Concentration in the syringe, mg/mL.
    public var concentrationMgPerMl: Double?
    /// Syringe model.
    public var syringe: String?
    /// Session identifier (one per started infusion).
    public var sessionId: String?
    /// Which hardware backend the daemon drives.
    public var backend: BackendDTO
    /// Drug delivered so far, mg.
    public var deliveredMg: Double
    /// Volume delivered so far, mL.
    public var deliveredMl: Double
    /// How much of `deliveredMl` is uncertain, mL: zero normally, at most one checkpoint interval after a
    /// crash recovery.
    public var deliveredUncertaintyMl: Double
    /// Total dose of the program, mg.
    public var targetMg: Double
    /// Total volume of the program, mL.
    public var targetMl: Double
    /// Microsteps the program delivers in total (its volume, rounded down to whole steps); nil without a session.
    public var targetSteps: Int?
    /// Net microsteps delivered so far, the supervisor's own count (includes `deliveredUncertaintyMl`'s steps
    /// after a crash recovery); nil without a session.
    public var deliveredSteps: Int?
    /// Current commanded rate, mL/h.
    public var rateMlPerH: Double
    /// Current commanded rate, mg/kg/h.
    public var rateMgPerKgPerH: Double
    /// Time infused so far, seconds (pauses excluded).
    public var elapsedS: Double
    /// Time still to infuse at the current rate, seconds.
    public var remainingS: Double
    /// Expected wall-clock end, when running.
    public var expectedEnd: Date?
    /// Whether the driver ENABLE line is asserted.
    public var motorEnabled: Bool
    /// Active alarms, most severe first.
    public var alarms: [AlarmDTO]
    /// Estimated plasma concentration now, ng/mL: a population-model estimate from the delivered dose (not a
    /// measurement); continues after the infusion ends. Absent when no dose was delivered this session.
    public var plasmaNgPerMl: Double?
    /// Identifier of the model behind `plasmaNgPerMl`, e.g. `clements-nimmo-1981`.
    public var plasmaModel: String?
    /// The plain label that goes with the estimate ("population-model estimate, not a measurement").
    public var plasmaLabel: String?
    /// The newest vital-sign reading, if any.
    public var vitals: VitalsDTO?
    /// True while the alarm audio is paused (`pumpctl silence`); the visual signal continues. Absent from an
    /// older pumpd.
    public var audioPaused: Bool?
    /// Simulator backend only: whether the simulated buzzer line is allowed to sound now (the alarm output
    /// record of the plant: an alarm indication is set and its audio is not paused). Absent on real hardware.
    public var simBuzzerAudible: Bool?
    /// While the state is `awaiting-check`: who started the infusion and until when a second person may verify it.
    public var doubleCheck: DoubleCheckDTO?
    /// Sensors declared absent in pumpd.toml (`"encoder"`, `"pressure"`): their mitigations do not hold.
    /// Absent when every sensor is fitted (and on the simulator).
    public var missingSensors: [String]?
    /// Volume left in the loaded syringe, dead space included, mL (while a session is open or last).
    public var syringeVolumeLeftMl: Double?
    /// Which syringe of the session is loaded: 1 for the first, 2 after the first syringe change.
    public var syringeIndex: Int?
    /// The drug library in force: file, version, SHA-256, signature check and signer. Absent from an older pumpd.
    public var drugLibrary: LibraryDTO?
    /// The base syringe library in force.
    public var syringeLibrary: LibraryDTO?
    /// The user syringe file and the calibration file, when configured (absent when neither is).
    public var libraryExtensions: [LibraryDTO]?
    /// pumpd.toml `library_signature`: `required` or `not-required`.
    public var librarySignature: String?

    /// Creates a status report.
    public init(
        state: PumpStateDTO, drug: String? = nil, profile: Profile? = nil, patientId: String? = nil,
        dosingWeightKg: Double? = nil, concentrationMgPerMl: Double? = nil, syringe: String? = nil,
        sessionId: String? = nil, backend: BackendDTO, deliveredMg: Double = 0, deliveredMl: Double = 0,
        deliveredUncertaintyMl: Double = 0, targetMg: Double = 0, targetMl: Double = 0, targetSteps: Int? = nil,
        deliveredSteps: Int? = nil, rateMlPerH: Double = 0,
        rateMgPerKgPerH: Double = 0, elapsedS: Double = 0, remainingS: Double = 0, expectedEnd: Date? = nil,
        motorEnabled: Bool = false, alarms: [AlarmDTO] = [], plasmaNgPerMl: Double? = nil, plasmaModel: String? = nil,
        plasmaLabel: String? = nil, vitals: VitalsDTO? = nil
    ) {
        self.plasmaNgPerMl = plasmaNgPerMl
        self.plasmaModel = plasmaModel
        self.plasmaLabel = plasmaLabel
        self.vitals = vitals
        self.state = state
        self.drug = drug
        self.profile = profile
        self.patientId = patientId
        self.dosingWeightKg = dosingWeightKg
        self.concentrationMgPerMl = concentrationMgPerMl
        self.syringe = syringe
        self.sessionId = sessionId
        self.backend = backend
        self.deliveredMg = deliveredMg
        self.deliveredMl = deliveredMl
        self.deliveredUncertaintyMl = deliveredUncertaintyMl
        self.targetMg = targetMg
        self.targetMl = targetMl
        self.targetSteps = targetSteps
        self.deliveredSteps = deliveredSteps
        self.rateMlPerH = rateMlPerH
        self.rateMgPerKgPerH = rateMgPerKgPerH
        self.elapsedS = elapsedS
        self.remainingS = remainingS
        self.expectedEnd = expectedEnd
        self.motorEnabled = motorEnabled
        self.alarms = alarms
    }

    enum CodingKeys: String, CodingKey {
        case state, drug, profile, syringe, backend, alarms, vitals
        case audioPaused = "audio_paused"
        case simBuzzerAudible = "sim_buzzer_audible"
        case doubleCheck = "double_check"
        case plasmaNgPerMl = "plasma_ng_per_ml"
        case plasmaModel = "plasma_model"
        case plasmaLabel = "plasma_label"
        case patientId = "patient_id"
        case dosingWeightKg = "dosing_weight_kg"
        case concentrationMgPerMl = "concentration_mg_per_ml"
        case sessionId = "session_id"
        case deliveredMg = "delivered_mg"
        case deliveredMl = "delivered_ml"
        case deliveredUncertaintyMl = "delivered_uncertainty_ml"
        case targetMg = "target_mg"
        case targetMl = "target_ml"
        case targetSteps = "target_steps"
        case deliveredSteps = "delivered_steps"
        case rateMlPerH = "rate_ml_per_h"
        case rateMgPerKgPerH = "rate_mg_per_kg_per_h"
        case elapsedS = "elapsed_s"
        case remainingS = "remaining_s"
        case expectedEnd = "expected_end"
        case motorEnabled = "motor_enabled"
        case missingSensors = "missing_sensors"
        case syringeVolumeLeftMl = "syringe_volume_left_ml"
        case syringeIndex = "syringe_index"
        case drugLibrary = "drug_library"
        case syringeLibrary = "syringe_library"
        case libraryExtensions = "library_extensions"
        case librarySignature = "library_signature"
    }
}

/// One active alarm.
public struct AlarmDTO: Sendable, Equatable, Codable {
    /// Stable reason code, e.g. `occlusion`; `pumpctl ack CODE` uses it.
    public var code: String
    /// IEC 60601-1-8 priority.
    public var priority: AlarmPriorityDTO
    /// One sentence: what happened and, where relevant, which limit and value.
    public var message: String
    /// Wall-clock time it was raised.
    public var raisedAt: Date
    /// True for a latched alarm raised before pumpd restarted and restored from the journal; absent otherwise.
    public var fromBeforeRestart: Bool?
    /// While the audible signal of this alarm is paused (`pumpctl silence`): when it sounds again. The visual
    /// signal continues. Always sent, `null` when not paused.
    public var audioPausedUntil: Date?
    /// True when an unacknowledged medium alarm was escalated to high (then `priority` is `high`).
    public var escalated: Bool

    /// Creates an alarm.
    public init(code: String, priority: AlarmPriorityDTO, message: String, raisedAt: Date, fromBeforeRestart: Bool? = nil,
                audioPausedUntil: Date? = nil, escalated: Bool = false) {
        self.code = code
        self.priority = priority
        self.message = message
        self.raisedAt = raisedAt
        self.fromBeforeRestart = fromBeforeRestart
        self.audioPausedUntil = audioPausedUntil
        self.escalated = escalated
    }

    enum CodingKeys: String, CodingKey {
        case code, priority, message
        case raisedAt = "raised_at"
        case fromBeforeRestart = "from_before_restart"
        case audioPausedUntil = "audio_paused_until"
        case escalated
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        priority = try container.decode(AlarmPriorityDTO.self, forKey: .priority)
        message = try container.decode(String.self, forKey: .message)
        raisedAt = try container.decode(Date.self, forKey: .raisedAt)
        fromBeforeRestart = try container.decodeIfPresent(Bool.self, forKey: .fromBeforeRestart)
        // An older pumpd sends neither key.
        audioPausedUntil = try container.decodeIfPresent(Date.self, forKey: .audioPausedUntil)
        escalated = try container.decodeIfPresent(Bool.self, forKey: .escalated) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(priority, forKey: .priority)
        try container.encode(message, forKey: .message)
        try container.encode(raisedAt, forKey: .raisedAt)
        try container.encodeIfPresent(fromBeforeRestart, forKey: .fromBeforeRestart)
        if let audioPausedUntil { try container.encode(audioPausedUntil, forKey: .audioPausedUntil) } else { try container.encodeNil(forKey: .audioPausedUntil) }
        try container.encode(escalated, forKey: .escalated)
    }
}
