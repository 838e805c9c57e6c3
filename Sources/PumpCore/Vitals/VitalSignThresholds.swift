// The vital-sign limits of the interlock, per drug (drug library `[drugs.vital_signs]`).
//
// THESE ARE DEFAULTS THAT NEED CLINICAL SIGN-OFF (clinical-reference §1.1 and §6, all tagged [M]): do not
// start with BP ≥ 140/90 without an override reason; pause at SBP ≥ 180, DBP ≥ 110, HR ≥ 120 or SpO2 < 92 %;
// remind when the last vital signs are older than 15 min (10 min is common practice).
import Foundation

/// Vital-sign limits for starting and for pausing an infusion, and the staleness interval.
public struct VitalSignThresholds: Sendable, Hashable {
    /// Before start: systolic at or above this needs an override reason.
    public var preStartSystolic: MillimetersOfMercury
    /// Before start: diastolic at or above this needs an override reason.
    public var preStartDiastolic: MillimetersOfMercury
    /// During an infusion: systolic at or above this pauses it with a high-priority alarm.
    public var pauseSystolic: MillimetersOfMercury
    /// During an infusion: diastolic at or above this pauses it.
    public var pauseDiastolic: MillimetersOfMercury
    /// During an infusion: heart rate at or above this pauses it.
    public var pauseHeartRate: BeatsPerMinute
    /// During an infusion: SpO2 strictly below this pauses it.
    public var pauseOxygenSaturationBelow: OxygenSaturation
    /// Vital signs older than this raise a medium-priority reminder during an infusion, and do not count
    /// for the pre-start check.
    public var staleAfter: Minutes
    /// False until the device's clinical owner has signed the limits off (shown with every decision).
    public var clinicallySignedOff: Bool

    /// Creates thresholds.
    public init(preStartSystolic: MillimetersOfMercury, preStartDiastolic: MillimetersOfMercury,
                pauseSystolic: MillimetersOfMercury, pauseDiastolic: MillimetersOfMercury, pauseHeartRate: BeatsPerMinute,
                pauseOxygenSaturationBelow: OxygenSaturation, staleAfter: Minutes, clinicallySignedOff: Bool) {
        self.preStartSystolic = preStartSystolic
        self.preStartDiastolic = preStartDiastolic
        self.pauseSystolic = pauseSystolic
        self.pauseDiastolic = pauseDiastolic
        self.pauseHeartRate = pauseHeartRate
        self.pauseOxygenSaturationBelow = pauseOxygenSaturationBelow
        self.staleAfter = staleAfter
        self.clinicallySignedOff = clinicallySignedOff
    }

    /// The provisional defaults (not signed off): 140/90 before start; 180, 110, 120 bpm, SpO2 < 92 % during;
    /// 15 min staleness.
    public static let provisionalDefaults = VitalSignThresholds(
        preStartSystolic: MillimetersOfMercury(140), preStartDiastolic: MillimetersOfMercury(90),
        pauseSystolic: MillimetersOfMercury(180), pauseDiastolic: MillimetersOfMercury(110),
        pauseHeartRate: BeatsPerMinute(120), pauseOxygenSaturationBelow: OxygenSaturation(92),
        staleAfter: Minutes(15), clinicallySignedOff: false)

    /// The first inconsistency as a sentence, or nil (used by the library loader).
    public var inconsistency: String? {
        if !(preStartSystolic < pauseSystolic) { return "pre_start_systolic_mmhg must be below pause_systolic_mmhg" }
        if !(preStartDiastolic < pauseDiastolic) { return "pre_start_diastolic_mmhg must be below pause_diastolic_mmhg" }
        if !(preStartDiastolic < preStartSystolic) { return "pre_start_diastolic_mmhg must be below pre_start_systolic_mmhg" }
        if !VitalSigns.plausibleHeartRate.contains(pauseHeartRate.value) { return "pause_heart_rate_bpm must be a plausible heart rate" }
        if !(pauseOxygenSaturationBelow.value > 50 && pauseOxygenSaturationBelow.value <= 100) { return "pause_spo2_below_percent must be above 50 and at most 100" }
        if !(staleAfter.value > 0 && staleAfter.value <= 120) { return "stale_after_min must be above 0 and at most 120" }
        return nil
    }
}
