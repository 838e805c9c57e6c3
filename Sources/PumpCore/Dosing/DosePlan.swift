// The validated, immutable result of programming: every number the controller, the supervisor and the nurse
// see. All values are exactly what was requested or computed from it; nothing was clipped.
//
// Arithmetic (clinical-reference §6):
//   total mg/kg   = requested mg/kg                      (total-dose profiles)
//                 = requested mg/kg/h × duration / 60    (continuous-rate profiles)
//   total mg      = dosing weight × total mg/kg
//   volume        = total mg ÷ concentration
//   nominal rate  = volume ÷ duration                    (for a titrated plan: remaining volume ÷ remaining time)
//   target steps  = floor(volume ÷ volume per step)      (toward less drug)
//   deliverable   = target steps × volume per step ≤ volume
import Foundation

/// A validated infusion plan.
public struct DosePlan: Sendable, Equatable, Codable {
    /// Drug identifier.
    public var drug: String
    /// Profile identifier.
    public var profileID: String
    /// How the dose was prescribed.
    public var mode: DosingMode
    /// The patient as entered.
    public var patient: PatientInfo
    /// The weight the dose is computed on.
    public var dosingWeight: Kilograms
    /// Which weight that is.
    public var dosingWeightBasis: DosingWeightBasis
    /// Session total per kg of dosing weight.
    public var dosePerKg: MilligramsPerKilogram
    /// Session total.
    public var totalDose: Milligrams
    /// Drug concentration in the syringe.
    public var concentration: MilligramsPerMilliliter
    /// Session total volume.
    public var volume: Milliliters
    /// Planned total infusing time, excluding pauses.
    public var duration: Minutes
    /// Volume rate to run at now (for a titrated plan, the rate for the remaining part).
    public var nominalRate: MillilitersPerHour
    /// Weight-based rate matching `nominalRate`.
    public var nominalDoseRate: MilligramsPerKilogramPerHour
    /// The profile's hard cap on the weight-based rate (for the controller's and supervisor's `min()`).
    public var rateHardCap: MilligramsPerKilogramPerHour
    /// The syringe.
    public var syringe: SyringeSpec
    /// Volume ↔ step conversion for the syringe on the drive.
    public var geometry: SyringeGeometry
    /// Session total in microsteps, rounded down.
    public var targetSteps: Steps
    /// Volume of `targetSteps`; never more than `volume`.
    public var deliverableVolume: Milliliters
    /// Largest multiple of the nominal rate the controller may use to catch up after a pause.
    public var catchUpFactor: Double
    /// Warn this long before the planned end.
    public var nearEndWarning: Minutes
    /// Remind this often while paused.
    public var pausedReminder: Minutes
    /// Warnings shown to the nurse (never blocking).
    public var warnings: [Finding]
    /// Soft limits exceeded with a reason, across all revisions.
    public var overrides: [OverrideRecord]
    /// 1 for the original program; each accepted titration adds one.
    public var revision: Int
    /// Volume already delivered when this revision was made (zero for revision 1).
    public var deliveredBeforeRevision: Milliliters
    /// Infusing time already elapsed when this revision was made (zero for revision 1).
    public var elapsedBeforeRevision: Minutes

    /// Volume drawn into the first syringe, dead space included (nil in plans journaled before syringe changes
    /// existed: the nominal volume).
    public var firstFill: Milliliters?
    /// Whether the profile lets this program continue in further syringes (nil in older plans: no).
    public var syringeChangeAllowed: Bool?

    /// The first syringe's fill (`firstFill`, or the syringe's nominal volume).
    public var firstSyringeFill: Milliliters { firstFill ?? syringe.nominalVolume }
    /// Whether the program may continue in a new syringe.
    public var allowsSyringeChange: Bool { syringeChangeAllowed ?? false }
    /// How many syringes of `firstSyringeFill` the whole program needs (1 when it fits the first one).
    public var syringesNeeded: Int {
        let usable = (firstSyringeFill - syringe.deadSpace).value
        guard usable > 0, volume.value.isFinite else { return 1 }
        return max(1, CheckedConversion.int((volume.value / usable - 1e-9).rounded(.up), .up))
    }

    /// Volume this revision still has to deliver.
    public var remainingVolume: Milliliters { volume - deliveredBeforeRevision }
    /// Infusing time this revision has left.
    public var remainingDuration: Minutes { duration - elapsedBeforeRevision }
    /// The rate hard cap expressed in mL/h for this patient and concentration.
    public var rateHardCapVolume: MillilitersPerHour { (rateHardCap * dosingWeight) / concentration }
}
