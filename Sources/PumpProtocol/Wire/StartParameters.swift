// The parameters of `validate` (dry run) and `start`.
import Foundation

/// What the nurse asks for when programming an infusion. Units are in the names.
public struct StartParameters: Sendable, Equatable, Codable {
    /// Drug name from the drug library, e.g. `ketamine`.
    public var drug: String
    /// Clinical profile: `mood` (dose over time) or `pain` (rate).
    public var profile: Profile
    /// Measured body weight in kilograms.
    public var weightKg: Double
    /// Height in centimetres (needed for ideal or adjusted dosing weight).
    public var heightCm: Double?
    /// Sex (needed for ideal or adjusted dosing weight).
    public var sex: Sex?
    /// Which weight to dose on; the daemon defaults to `actual`.
    public var dosingWeight: DosingWeightBasis?
    /// Total dose in mg per kg of dosing weight (mood profile).
    public var doseMgPerKg: Double?
    /// Dose rate in mg per kg per hour (pain profile).
    public var rateMgPerKgPerH: Double?
    /// Infusion duration in minutes.
    public var durationMin: Double?
    /// Drug concentration in the syringe, mg per mL.
    public var concentrationMgPerMl: Double
    /// Syringe model from the syringe library, e.g. `bd-50`.
    public var syringe: String
    /// Optional patient identifier, shown and logged.
    public var patientId: String?
    /// Reason for overriding a soft limit, logged with the session.
    public var overrideReason: String?
    /// `true` only after the nurse confirmed the computed program. `start` requires it.
    public var confirmed: Bool
    /// Volume drawn into the (first) syringe, dead space included, mL; absent: its nominal volume.
    public var fillMl: Double?

    /// Creates start parameters; optional values default to absent and `confirmed` to `false`.
    public init(
        drug: String, profile: Profile, weightKg: Double, heightCm: Double? = nil, sex: Sex? = nil,
        dosingWeight: DosingWeightBasis? = nil, doseMgPerKg: Double? = nil, rateMgPerKgPerH: Double? = nil,
        durationMin: Double? = nil, concentrationMgPerMl: Double, syringe: String, patientId: String? = nil,
        overrideReason: String? = nil, confirmed: Bool = false, fillMl: Double? = nil
    ) {
        self.fillMl = fillMl
        self.drug = drug
        self.profile = profile
        self.weightKg = weightKg
        self.heightCm = heightCm
        self.sex = sex
        self.dosingWeight = dosingWeight
        self.doseMgPerKg = doseMgPerKg
        self.rateMgPerKgPerH = rateMgPerKgPerH
        self.durationMin = durationMin
        self.concentrationMgPerMl = concentrationMgPerMl
        self.syringe = syringe
        self.patientId = patientId
        self.overrideReason = overrideReason
        self.confirmed = confirmed
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case drug, profile, sex, syringe, confirmed
        case weightKg = "weight_kg"
        case heightCm = "height_cm"
        case dosingWeight = "dosing_weight"
        case doseMgPerKg = "dose_mg_per_kg"
        case rateMgPerKgPerH = "rate_mg_per_kg_per_h"
        case durationMin = "duration_min"
        case concentrationMgPerMl = "concentration_mg_per_ml"
        case patientId = "patient_id"
        case overrideReason = "override_reason"
        case fillMl = "fill_ml"
    }
}
