// Builds an engine session from a validated dose plan. The supervisor's caps are derived here from the drug
// profile's HARD limits (not from the plan's computed numbers), so a planner error cannot loosen them.
import Foundation
import PumpCore

extension InfusionSession {
    /// A session for `plan`, with supervisor caps from `profile`'s hard limits and the pump's maximum rate.
    ///
    /// The dosing weight used for the caps is never above the patient's actual weight.
    public init(id: String, plan: DosePlan, profile: DrugProfile, pumpMaxRate: MillilitersPerHour) {
        let capWeight = min(plan.dosingWeight, plan.patient.weight)
        let limits = SupervisorLimits.derive(
            rateHardCap: profile.rateHardCap, sessionDoseHardMax: profile.sessionDoseHardMax,
            dosingWeight: capWeight, concentration: plan.concentration, geometry: plan.geometry,
            pumpMaxRate: pumpMaxRate, syringeChangeAllowed: profile.syringeChangeAllowed)
        self.init(
            id: id, drug: plan.drug, profile: plan.profileID, patientID: plan.patient.patientID,
            dosingWeight: plan.dosingWeight, concentration: plan.concentration, geometry: plan.geometry,
            targetSteps: plan.targetSteps, duration: plan.duration, nominalRate: plan.nominalRate,
            catchUpFactor: profile.catchUpFactor, nearEndWarning: profile.nearEndWarning,
            pausedReminder: profile.pausedReminder, limits: limits)
        syringeChangeAllowed = profile.syringeChangeAllowed
        syringe = SyringeLoad(index: 1, fill: plan.firstSyringeFill, loadedAtSteps: .zero)
    }
}

extension InfusionEngine {
    /// Applies a re-validated titration plan atomically.
    public func titrate(to plan: DosePlan) throws(EngineRefusal) {
        try titrate(targetSteps: plan.targetSteps, duration: plan.duration, nominalRate: plan.nominalRate)
    }
}
