// A simulated patient's vital signs, driven by the delivered ketamine dose (bench, demos and end-to-end tests
// of the vital-sign interlock; never a clinical model).
//
// Phenomenological fit to clinical-reference §1.1: the Yale chart review (2342 infusions of 0.5 mg/kg over
// 40 min) found SBP/DBP peaking at the end of the infusion at +16.0/+11.0 mmHg; Szarmach 2020 found BP and HR
// back to baseline within 1.5 h. Model: one effect compartment driven by the delivered dose RATE normalised
// to the reference rate (0.5 mg/kg over 40 min = 0.75 mg/kg/h):
//   dE/dt = ke0 · (R(t)/R_ref − E),  ke0 = 0.06 /min
// solved exactly between updates (R constant = the average delivered rate since the last update). For the
// reference infusion E(40 min) = 1 − e^(−2.4) = 0.909 and E(90 min) = 0.909·e^(−3) = 0.045, so the gains
// 16/0.909 and 11/0.909 mmHg give exactly +16/+11 at the end and < 1 mmHg above baseline at 90 min. The
// effect scales linearly with dose rate. A hypertensive surge (fault injection) adds +60/+30 mmHg and
// +25 bpm on top until released. Readings are rounded to whole units, as monitors show them.
import Foundation
import PumpCore

/// A simulated patient: baseline vital signs plus a dose-driven rise and an injectable surge.
public struct PatientModel: Sendable, Equatable {
    /// Resting systolic pressure.
    public var baselineSystolic = MillimetersOfMercury(125)
    /// Resting diastolic pressure.
    public var baselineDiastolic = MillimetersOfMercury(78)
    /// Resting heart rate.
    public var baselineHeartRate = BeatsPerMinute(72)
    /// Resting SpO2.
    public var baselineOxygenSaturation = OxygenSaturation(98)
    /// Whether a hypertensive surge is in progress (fault injection).
    public var surge = false

    /// Effect-compartment rate constant (1/min).
    public static let effectRate = PerMinute(0.06)
    /// The reference dose rate (0.5 mg/kg over 40 min).
    public static let referenceRate = MilligramsPerKilogramPerHour(0.75)
    /// Rise at the end of the reference infusion.
    public static let referenceRise = (systolic: 16.0, diastolic: 11.0, heartRate: 4.0)
    /// What a surge adds.
    public static let surgeRise = (systolic: 60.0, diastolic: 30.0, heartRate: 25.0)

    private var effect = 0.0
    private var lastUpdate: MonotonicInstant?
    private var lastDose = MilligramsPerKilogram.zero

    /// A patient at rest with the default baseline (125/78 mmHg, 72 bpm, 98 %).
    public init() {}

    private static var steadyFraction: Double { 1 - exp(-effectRate.value * 40) }

    /// Advances the model to `now`, given the cumulative delivered dose per kg of body weight. A cumulative
    /// dose lower than before (a new session) restarts the count without a negative rate.
    public mutating func advance(to now: MonotonicInstant, deliveredDosePerKg dose: MilligramsPerKilogram) {
        defer {
            lastUpdate = max(lastUpdate ?? now, now)
            lastDose = dose
        }
        guard let last = lastUpdate, now > last else { return }
        let minutes = (now - last).seconds / 60
        let added = max(0, (dose - lastDose).value)
        let normalisedRate = added / (minutes / 60) / Self.referenceRate.value
        let decay = exp(-Self.effectRate.value * minutes)
        effect = effect * decay + normalisedRate * (1 - decay)
    }

    /// The dose-driven rise in systolic pressure now (no surge, no rounding).
    public var systolicRise: MillimetersOfMercury { MillimetersOfMercury(Self.referenceRise.systolic / Self.steadyFraction * effect) }
    /// The dose-driven rise in diastolic pressure now.
    public var diastolicRise: MillimetersOfMercury { MillimetersOfMercury(Self.referenceRise.diastolic / Self.steadyFraction * effect) }

    /// The reading a monitor would show now.
    public func vitals(at now: MonotonicInstant) -> VitalSigns {
        let surgeFactor = surge ? 1.0 : 0.0
        let heartRise = Self.referenceRise.heartRate / Self.steadyFraction * effect
        return VitalSigns(
            systolic: MillimetersOfMercury((baselineSystolic + systolicRise).value.rounded() + surgeFactor * Self.surgeRise.systolic),
            diastolic: MillimetersOfMercury((baselineDiastolic + diastolicRise).value.rounded() + surgeFactor * Self.surgeRise.diastolic),
            heartRate: BeatsPerMinute((baselineHeartRate.value + heartRise).rounded() + surgeFactor * Self.surgeRise.heartRate),
            oxygenSaturation: baselineOxygenSaturation, measuredAt: now, source: .simulator)
    }
}
