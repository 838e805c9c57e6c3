// The supervisor's own copy of the hard caps, in motor units.
//
// These are derived from the drug library's hard limits, the patient's dosing weight, the concentration and
// the syringe geometry by `SupervisorLimits.derive`, independently of the dose planner's arithmetic: the
// planner decides what SHOULD be delivered, the supervisor only knows what MUST NOT be exceeded. Every cap is
// a plain `min()` of independent limits (oref0's pattern), and each value says where it came from.
import Foundation

/// Hard caps the supervisor enforces on every step.
public struct SupervisorLimits: Sendable, Equatable {
    /// Highest step rate allowed (from the rate hard cap and the pump's maximum mL/h, whichever is lower).
    public var maxStepRate: StepsPerSecond
    /// Highest volume rate allowed (same limit as `maxStepRate`, in mL/h, for messages).
    public var maxRate: MillilitersPerHour
    /// Most steps that may ever be delivered in this session (forward minus retracted).
    public var maxTotalSteps: Steps
    /// The session dose cap.
    public var maxTotalDose: Milligrams
    /// The session volume cap (syringe deliverable volume, or a lower programmed volume cap).
    public var maxTotalVolume: Milliliters
    /// Volume per step, to convert counts to mL and mg in messages.
    public var volumePerStep: Microliters
    /// Concentration, to convert volume to mg in messages.
    public var concentration: MilligramsPerMilliliter

    /// Creates limits directly (tests and recovery).
    public init(
        maxStepRate: StepsPerSecond, maxRate: MillilitersPerHour, maxTotalSteps: Steps, maxTotalDose: Milligrams,
        maxTotalVolume: Milliliters, volumePerStep: Microliters, concentration: MilligramsPerMilliliter
    ) {
        self.maxStepRate = maxStepRate
        self.maxRate = maxRate
        self.maxTotalSteps = maxTotalSteps
        self.maxTotalDose = maxTotalDose
        self.maxTotalVolume = maxTotalVolume
        self.volumePerStep = volumePerStep
        self.concentration = concentration
    }

    /// Derives the caps from hard limits alone.
    ///
    /// - Parameters:
    ///   - rateHardCap: the drug profile's hard cap in mg/kg/h.
    ///   - sessionDoseHardMax: the drug profile's hard cap on the session dose in mg/kg.
    ///   - dosingWeight: the dosing weight (never above the patient's actual weight).
    ///   - concentration: the syringe's concentration.
    ///   - geometry: the syringe on this drive.
    ///   - pumpMaxRate: the pump's own maximum rate, whatever the drug.
    ///   - syringeChangeAllowed: the profile lets the program span syringes, so one syringe does not cap it.
    public static func derive(
        rateHardCap: MilligramsPerKilogramPerHour, sessionDoseHardMax: MilligramsPerKilogram,
        dosingWeight: Kilograms, concentration: MilligramsPerMilliliter, geometry: SyringeGeometry,
        pumpMaxRate: MillilitersPerHour, syringeChangeAllowed: Bool = false
    ) -> SupervisorLimits {
        let drugRate = (rateHardCap * dosingWeight) / concentration
        let maxRate = min(drugRate, pumpMaxRate)
        let maxDose = dosingWeight * sessionDoseHardMax
        let doseVolume = maxDose / concentration
        let maxVolume = syringeChangeAllowed ? doseVolume : min(doseVolume, geometry.syringe.deliverableVolume)
        return SupervisorLimits(
            maxStepRate: geometry.stepRate(for: maxRate),
            maxRate: maxRate,
            maxTotalSteps: geometry.steps(forVolume: maxVolume),
            maxTotalDose: min(maxDose, maxVolume * concentration),
            maxTotalVolume: maxVolume,
            volumePerStep: geometry.volumePerStep,
            concentration: concentration
        )
    }

    /// The volume of `steps`.
    public func volume(of steps: Steps) -> Milliliters {
        Microliters(Double(steps.count) * volumePerStep.value).milliliters
    }

    /// The dose of `steps`.
    public func dose(of steps: Steps) -> Milligrams { volume(of: steps) * concentration }
}
