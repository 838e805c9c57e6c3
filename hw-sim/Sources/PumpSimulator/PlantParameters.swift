// The physical parameters of the simulated plant, in one value struct (LoopKit MockKit style).
//
// Defaults describe IDEAL mechanics (no backlash, no slack, the syringe exactly at its nominal diameter) and a
// realistic line, so that the software's own error (step quantisation plus timing) can be measured on its
// own, and each mechanical error source can be switched on by a test that wants it.
//
// Line defaults and why:
// - Compliance 1.5 µL/mmHg for a BD 50 mL barrel (26.70 mm, 559.9 mm²), scaled with barrel area for other
//   syringes (the stopper's rubber is the dominant compliance and its loaded area scales with the barrel).
//   With a 300 mmHg switch this gives ~5.3 min to alarm at 5 mL/h and ~53 min at 0.5 mL/h, matching the Crono
//   anchor (~5 min at 5 mL/h, ~50 min at 0.5 mL/h, infusion-pump-reference §0), and a stored bolus of
//   C·(300 − 8) ≈ 0.44 mL, just under the ECRI 0.5 mL ceiling: a realistic, not flattering, plant.
// - Resistance 1.0 mmHg·s/µL (≈ 0.28 mmHg per mL/h): Poiseuille for water through a 22 G × 25 mm cannula plus
//   150 cm of 1 mm extension line gives ≈ 0.75; rounded up. τ = R·C ≈ 1.5 s for a 50 mL syringe.
// - Venous pressure 8 mmHg (a peripheral vein, 5–10 mmHg).
// - Occlusion switch set point 300 mmHg (the Agilia "low" ceiling; ECRI: ≤ 4 psi = 207 mmHg suits most
//   venous lines, adjustable 103–1034 mmHg).
// - Pressure floor 0 mmHg gauge (see LineModel: no backflow from the vein, retraction cannot pull below 0).
import Foundation
import PumpCore

/// How the line compliance is chosen for a syringe.
public enum ComplianceModel: Sendable, Equatable {
    /// The same compliance whatever the syringe.
    case fixed(HydraulicCompliance)
    /// `reference` at a barrel of `referenceArea` mm², scaled linearly with the actual barrel area.
    case scaledWithBarrelArea(reference: HydraulicCompliance, referenceArea: Double)

    /// 1.5 µL/mmHg at a BD 50 mL barrel (ID 26.70 mm, 559.9 mm²), scaled with barrel area.
    public static let standard = ComplianceModel.scaledWithBarrelArea(
        reference: HydraulicCompliance(1.5), referenceArea: Double.pi * 13.35 * 13.35)

    /// The compliance for a syringe of the given geometry.
    public func compliance(for geometry: SyringeGeometry) -> HydraulicCompliance {
        switch self {
        case .fixed(let value):
            return value
        case .scaledWithBarrelArea(let reference, let referenceArea):
            return reference * (geometry.barrelArea / referenceArea)
        }
    }
}

/// Everything physical about the simulated pump that is not the syringe geometry.
public struct PlantParameters: Sendable, Equatable {
    // MARK: Mechanical error sources (all zero / unity by default: ideal mechanics)

    /// Steps lost to lead-screw backlash after every change of the screw's direction of rotation.
    public var backlashSteps: Int
    /// The screw last turned backwards before the infusion (the pusher was retracted to load the syringe), so
    /// the nut rests on the wrong flank and the first forward turn takes up the backlash too (after the slack).
    public var backlashPendingAtStart: Bool
    /// Steps lost at the very start (play between pusher and plunger head taken up before the plunger moves).
    public var startupSlackSteps: Int
    /// True volume per step ÷ nominal volume per step (the syringe's diameter tolerance:
    /// (true ID / nominal ID)²). 1.0 means the syringe is exactly as its library entry says.
    public var syringeVolumeFactor: Double

    // MARK: Line and pressure

    /// Compliance of the syringe stopper plus line.
    public var compliance: ComplianceModel
    /// Resistance from the syringe to the vein (cannula plus extension line).
    public var resistance: HydraulicResistance
    /// Pressure in the vein; the line relaxes toward it.
    public var venousPressure: MillimetersOfMercury
    /// Lowest line pressure a retraction can produce.
    public var pressureFloor: MillimetersOfMercury
    /// The occlusion pressure switch is closed at or above this pressure.
    public var occlusionSwitchSetPoint: MillimetersOfMercury

    // MARK: Sensors fitted

    /// A linear encoder on the plunger head reports `PumpInputs.measuredSteps`.
    public var hasEncoder: Bool
    /// A force sensor in the pusher reports `PumpInputs.linePressure`.
    public var hasPressureSensor: Bool

    // MARK: Recording for the accuracy tools

    /// Record the instant of every forward STEP pulse the enabled driver executes (`SimulatedPump.stepTimes`).
    public var recordStepTimes: Bool
    /// When set, sample delivered volume and pressure at this interval from the pump's creation
    /// (`SimulatedPump.deliveredVolumeTimeline()`); IEC 60601-2-24 uses 0.5 min.
    public var deliverySampleInterval: MonotonicDuration?

    /// Creates plant parameters; every default is justified in the file-top comment.
    public init(
        backlashSteps: Int = 0, backlashPendingAtStart: Bool = false, startupSlackSteps: Int = 0,
        syringeVolumeFactor: Double = 1.0,
        compliance: ComplianceModel = .standard, resistance: HydraulicResistance = HydraulicResistance(1.0),
        venousPressure: MillimetersOfMercury = MillimetersOfMercury(8),
        pressureFloor: MillimetersOfMercury = MillimetersOfMercury(0),
        occlusionSwitchSetPoint: MillimetersOfMercury = MillimetersOfMercury(300),
        hasEncoder: Bool = true, hasPressureSensor: Bool = true,
        recordStepTimes: Bool = false, deliverySampleInterval: MonotonicDuration? = nil
    ) {
        self.backlashSteps = backlashSteps
        self.backlashPendingAtStart = backlashPendingAtStart
        self.startupSlackSteps = startupSlackSteps
        self.syringeVolumeFactor = syringeVolumeFactor
        self.compliance = compliance
        self.resistance = resistance
        self.venousPressure = venousPressure
        self.pressureFloor = pressureFloor
        self.occlusionSwitchSetPoint = occlusionSwitchSetPoint
        self.hasEncoder = hasEncoder
        self.hasPressureSensor = hasPressureSensor
        self.recordStepTimes = recordStepTimes
        self.deliverySampleInterval = deliverySampleInterval
    }

    /// `syringeVolumeFactor` for a syringe whose true inner diameter is off its nominal one by `deviation`
    /// (a fraction: +0.01 = 1 % wider): the volume per step scales with the area, (1 + deviation)².
    public static func volumeFactor(forDiameterDeviation deviation: Double) -> Double {
        (1 + deviation) * (1 + deviation)
    }
}
