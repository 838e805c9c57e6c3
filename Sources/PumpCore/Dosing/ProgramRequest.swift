// What the nurse asks for. Every field is taken literally: the planner never adjusts a value, it either
// accepts it exactly, asks for an override, or refuses it with a sentence.
import Foundation

/// A request to program an infusion.
public struct ProgramRequest: Sendable, Hashable {
    /// Drug identifier, e.g. "ketamine".
    public var drug: String
    /// Profile identifier, e.g. "mood" or "pain".
    public var profile: String
    /// The patient.
    public var patient: PatientInfo
    /// Session total in mg/kg; required for `.totalDose` profiles, forbidden for `.continuousRate`.
    public var dosePerKg: MilligramsPerKilogram?
    /// Rate in mg/kg/h; required for `.continuousRate` profiles, forbidden for `.totalDose`.
    public var doseRate: MilligramsPerKilogramPerHour?
    /// Planned infusing time; `nil` means the profile default.
    public var duration: Minutes?
    /// Drug concentration in the syringe.
    public var concentration: MilligramsPerMilliliter
    /// Syringe identifier from the syringe library, e.g. "bd-50".
    public var syringeID: String
    /// Reason for exceeding a soft limit; blank counts as none.
    public var overrideReason: String?
    /// Volume drawn into the (first) syringe, dead space included (`--fill-ml`); `nil` means the syringe's
    /// nominal volume, so the deliverable part is the nominal volume less dead space.
    public var fillVolume: Milliliters?

    /// Creates a request.
    public init(
        drug: String, profile: String, patient: PatientInfo,
        dosePerKg: MilligramsPerKilogram? = nil, doseRate: MilligramsPerKilogramPerHour? = nil,
        duration: Minutes? = nil, concentration: MilligramsPerMilliliter, syringeID: String,
        overrideReason: String? = nil, fillVolume: Milliliters? = nil
    ) {
        self.fillVolume = fillVolume
        self.drug = drug
        self.profile = profile
        self.patient = patient
        self.dosePerKg = dosePerKg
        self.doseRate = doseRate
        self.duration = duration
        self.concentration = concentration
        self.syringeID = syringeID
        self.overrideReason = overrideReason
    }
}

/// A change to a running plan.
public enum TitrationChange: Sendable, Hashable {
    /// New session total in mg/kg (total-dose profiles); the rest is given over the remaining time.
    case dosePerKg(MilligramsPerKilogram)
    /// New total infusing time (from the start, excluding pauses).
    case duration(Minutes)
    /// New rate for the remaining time (continuous-rate profiles only).
    case doseRate(MilligramsPerKilogramPerHour)
}
