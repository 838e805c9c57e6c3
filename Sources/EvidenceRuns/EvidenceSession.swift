// A plain constant-rate session for the evidence runs: "infuse water at r mL/h", as a flow test programs a
// pump, with the pump's own caps (150 mL/h, the loaded volume) instead of a drug profile's.
import Foundation
import PumpControl
import PumpCore

/// Builds the sessions of the evidence runs.
public enum EvidenceSession {
    /// BD Plastipak 50 mL as in the bundled syringe library (ID 26.70 mm, dead space 0.20 mL).
    public static let bd50 = SyringeSpec(id: "bd-50", brand: "BD Plastipak", nominalVolume: Milliliters(50),
                                         innerDiameter: Millimeters(26.70), deadSpace: Milliliters(0.2))
    /// The pump's own maximum rate (SupervisorConfiguration's default).
    public static let pumpMaxRate = MillilitersPerHour(150)

    /// A session at `rate` for `duration`, for a syringe loaded with `fill`. The supervisor's caps are the
    /// pump maximum rate and the loaded deliverable volume.
    public static func constantRate(_ rate: MillilitersPerHour, for duration: Minutes, geometry: SyringeGeometry,
                                    fill: Milliliters) -> InfusionSession {
        let concentration = MilligramsPerMilliliter(1)
        let deliverable = fill - geometry.syringe.deadSpace
        let limits = SupervisorLimits(
            maxStepRate: geometry.stepRate(for: pumpMaxRate), maxRate: pumpMaxRate,
            maxTotalSteps: geometry.steps(forVolume: deliverable), maxTotalDose: deliverable * concentration,
            maxTotalVolume: deliverable, volumePerStep: geometry.volumePerStep, concentration: concentration)
        return InfusionSession(
            id: "evidence", drug: "water", profile: "flow-test", patientID: nil, dosingWeight: Kilograms(70),
            concentration: concentration, geometry: geometry, targetSteps: geometry.steps(forVolume: rate * duration),
            duration: duration, nominalRate: rate, catchUpFactor: 1.1, nearEndWarning: Minutes(5),
            pausedReminder: Minutes(2), limits: limits)
    }
}
