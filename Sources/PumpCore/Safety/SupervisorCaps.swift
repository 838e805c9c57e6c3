// The supervisor's own derivation of its caps (safety kernel v2 item 2): the second channel starts from the RAW
// program request and its OWN load of the drug and syringe libraries, never from the planner's plan, so a bug in the
// planner's arithmetic (dosing weight, volume, geometry) cannot move the caps that stop it.
//
//   cap weight   = the actual weight from the request; for an ideal or adjusted basis with height and sex given,
//                  the lower of that and the supervisor's own Devine IBW / adjusted weight (computed here, not by
//                  the planner's BodyWeight), so a planner that doses on too much weight is still capped
//   max rate     = min(rate hard cap × cap weight / concentration, pump maximum)
//   max dose     = session hard max (mg/kg) × cap weight
//   max volume   = min(max dose / concentration, the syringe's deliverable volume); a profile whose own library
//                  entry allows a syringe change drops the syringe term (the program spans syringes; the dose
//                  cap stays per program: the count is never reset by a syringe change)
//   max steps    = max volume in the supervisor's own geometry, rounded down
// It shares no code with `DosePlanner` (only the unit types and the library data model). The plan is then
// checked against these caps: the planner's geometry must equal the supervisor's own (same syringe, same drive),
// and the programmed target must fit under the cap, or the program does not start.
import Foundation

/// The supervisor's own view of a program: its caps and its geometry.
public struct SupervisorCaps: Sendable, Equatable {
    /// The caps in motor units.
    public var limits: SupervisorLimits
    /// The syringe geometry from the supervisor's own library load.
    public var geometry: SyringeGeometry

    /// Derives the caps from the request and the supervisor's own libraries; a refusal sentence when the drug,
    /// profile or syringe is not in them or a number is not usable.
    public static func derive(
        drug: String, profile profileID: String, patient: PatientInfo, concentration: MilligramsPerMilliliter,
        syringeID: String, drugs: DrugLibrary, syringes: SyringeLibrary, mechanics: DriveMechanics = .init(),
        pumpMaxRate: MillilitersPerHour
    ) -> Result<SupervisorCaps, SupervisorRefusal> {
        guard let profile = drugs.drug(named: drug)?.profile(id: profileID) else {
            return .failure(SupervisorRefusal(message: "The supervisor's drug library has no profile \(drug)/\(profileID); nothing starts."))
        }
        guard let syringe = syringes.syringe(id: syringeID) else {
            return .failure(SupervisorRefusal(message: "The supervisor's syringe library has no syringe \(syringeID); nothing starts."))
        }
        let weight = capWeight(patient)
        guard weight.value.isFinite, weight.value > 0, concentration.value.isFinite, concentration.value > 0 else {
            return .failure(SupervisorRefusal(message: "The supervisor cannot derive caps from this weight and concentration; nothing starts."))
        }
        let geometry = SyringeGeometry(syringe: syringe, mechanics: mechanics)
        let rateCap = MillilitersPerHour(profile.rateHardCap.value * weight.value / concentration.value)
        let maxRate = min(rateCap, pumpMaxRate)
        let maxDose = Milligrams(profile.sessionDoseHardMax.value * weight.value)
        let doseVolume = Milliliters(maxDose.value / concentration.value)
        let maxVolume = profile.syringeChangeAllowed ? doseVolume : min(doseVolume, syringe.deliverableVolume)
        let limits = SupervisorLimits(
            maxStepRate: geometry.stepRate(for: maxRate), maxRate: maxRate,
            maxTotalSteps: geometry.steps(forVolume: maxVolume),
            maxTotalDose: min(maxDose, Milligrams(maxVolume.value * concentration.value)),
            maxTotalVolume: maxVolume, volumePerStep: geometry.volumePerStep, concentration: concentration)
        return .success(SupervisorCaps(limits: limits, geometry: geometry))
    }

    /// The weight the caps are computed on (see the file comment).
    static func capWeight(_ patient: PatientInfo) -> Kilograms {
        let actual = patient.weight.value
        guard patient.basis != .actual, let height = patient.height?.value, let sex = patient.sex else { return patient.weight }
        let ideal = (sex == .male ? 50.0 : 45.5) + 0.9055 * (height - 152.4)
        let basisWeight = patient.basis == .ideal ? ideal : ideal + 0.4 * (actual - ideal)
        return Kilograms(min(actual, basisWeight))
    }

    /// Why a planned program may not run under these caps, or nil when it may.
    public func refusal(geometry planned: SyringeGeometry, concentration: MilligramsPerMilliliter,
                        targetSteps: Steps) -> SupervisorRefusal? {
        if planned != geometry {
            return SupervisorRefusal(message: "The planner's syringe geometry differs from the supervisor's own (\(geometry.syringe.id)); nothing starts.")
        }
        if concentration != limits.concentration {
            return SupervisorRefusal(message: "The planner's concentration differs from the request's; nothing starts.")
        }
        if targetSteps > limits.maxTotalSteps {
            return SupervisorRefusal(message: "The programmed target exceeds the supervisor's cap of \(limits.maxTotalDose.formatted(maxFractionDigits: 2)) / \(limits.maxTotalVolume.formatted(maxFractionDigits: 2)); nothing starts.")
        }
        return nil
    }
}
