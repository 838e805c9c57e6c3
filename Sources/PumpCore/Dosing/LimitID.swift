// The stable identifiers of every check the planner makes. They appear in `Finding.limit`, in override
// records and in logs; treat them as API (other components and tests match on them).
import Foundation

/// Stable limit identifiers used in `Finding.limit`.
public enum LimitID {
    /// Weight is NaN, infinite, zero or negative.
    public static let invalidWeight = "input.weight"
    /// Height is NaN, infinite, zero or negative.
    public static let invalidHeight = "input.height"
    /// Dose (mg/kg) is NaN, infinite, zero or negative.
    public static let invalidDose = "input.dose"
    /// Dose rate (mg/kg/h) is NaN, infinite, zero or negative.
    public static let invalidDoseRate = "input.dose-rate"
    /// Duration is NaN, infinite, zero or negative.
    public static let invalidDuration = "input.duration"
    /// Concentration is NaN, infinite, zero or negative.
    public static let invalidConcentration = "input.concentration"
    /// Titration: delivered volume is NaN, infinite or negative.
    public static let invalidDelivered = "input.delivered"
    /// Titration: elapsed infusing time is NaN, infinite or negative.
    public static let invalidElapsed = "input.elapsed"

    /// The drug is not in the library.
    public static let unknownDrug = "drug.unknown"
    /// The profile is not defined for the drug.
    public static let unknownProfile = "profile.unknown"
    /// The syringe is not in the library (HAZ-007).
    public static let unknownSyringe = "syringe.unknown"
    /// The prescription the profile needs (mg/kg or mg/kg/h) is missing.
    public static let doseMissing = "dose.missing"
    /// A dose was given in the other profile's mode (mg/kg for a rate profile, or the reverse).
    public static let doseWrongMode = "dose.mode"
    /// The library profile lacks the limits its mode needs.
    public static let libraryInconsistent = "library.profile"

    /// Actual weight outside the drug's hard range.
    public static let weightRange = "weight.range"
    /// Height outside the plausible 100–250 cm.
    public static let heightRange = "height.range"
    /// Ideal or adjusted weight asked for without height and sex.
    public static let weightBasis = "weight.basis"
    /// The chosen dosing weight (ideal/adjusted) is outside the drug's hard range.
    public static let dosingWeightRange = "dosing-weight.range"
    /// Warning: the formula weight is above the actual weight, so the actual weight is used.
    public static let idealAboveActual = "weight.ideal-above-actual"
    /// Warning: BMI above the drug's threshold.
    public static let bmiHigh = "bmi.high"

    /// Session dose (mg/kg) below the profile minimum.
    public static let doseMinimum = "dose.minimum"
    /// Session dose (mg/kg) above the profile soft maximum (override with reason).
    public static let doseSoftMax = "dose.soft-max"
    /// Session dose (mg/kg) above the profile hard maximum.
    public static let doseHardMax = "dose.hard-max"
    /// Dose rate (mg/kg/h) below the profile minimum.
    public static let doseRateMinimum = "dose-rate.minimum"
    /// Dose rate (mg/kg/h) above the profile soft maximum (override with reason).
    public static let doseRateSoftMax = "dose-rate.soft-max"
    /// Dose rate (mg/kg/h) above the profile hard maximum.
    public static let doseRateHardMax = "dose-rate.hard-max"
    /// Planned infusing time outside the profile range.
    public static let durationRange = "duration.range"
    /// The weight-based rate the plan implies is above the profile's hard cap.
    public static let rateHardCap = "rate.hard-cap"
    /// The session total (mg/kg) is above the profile's per-session hard maximum (HAZ-002).
    public static let sessionHardMax = "session.hard-max"

    /// A concentration the library lists as rejected (undiluted vial strengths).
    public static let concentrationUndiluted = "concentration.undiluted"
    /// A concentration the library does not list (rejected by default).
    public static let concentrationUnlisted = "concentration.unlisted"
    /// Warning: a concentration the library allows with a warning.
    public static let concentrationWarning = "concentration.warning"

    /// Volume plus dead space exceeds the syringe's nominal capacity (HAZ-002).
    public static let syringeCapacity = "syringe.capacity"
    /// The stated fill volume is more than the syringe's nominal capacity, or not more than its dead space.
    public static let syringeFill = "syringe.fill"
    /// Fill volume (mL) is NaN, infinite, zero or negative.
    public static let invalidFill = "input.fill"
    /// Warning: the program is larger than the syringe and continues in a new one (profile allows it).
    public static let syringeChangeNeeded = "syringe.change-needed"
    /// The volume is smaller than one motor step and cannot be delivered.
    public static let volumeBelowOneStep = "syringe.below-one-step"

    /// Titration: the change does not fit the profile's mode.
    public static let titrationMode = "titration.mode"
    /// Titration: the new total is not above what was already delivered.
    public static let titrationBelowDelivered = "titration.below-delivered"
    /// Titration: the new duration is not beyond the elapsed infusing time.
    public static let titrationDurationElapsed = "titration.duration-elapsed"
    /// Titration: the reported delivered volume is more than the plan's volume.
    public static let titrationDeliveredExceedsPlan = "titration.delivered-exceeds-plan"

    /// Before start: blood pressure at or above the pre-start limit (override with reason; HAZ-015).
    public static let vitalsPreStartBloodPressure = "vitals.pre-start-blood-pressure"
    /// Systolic pressure at or above the pause limit.
    public static let vitalsPauseSystolic = "vitals.pause-systolic"
    /// Diastolic pressure at or above the pause limit.
    public static let vitalsPauseDiastolic = "vitals.pause-diastolic"
    /// Heart rate at or above the pause limit.
    public static let vitalsPauseHeartRate = "vitals.pause-heart-rate"
    /// SpO2 below the pause limit.
    public static let vitalsPauseOxygenSaturation = "vitals.pause-spo2"
    /// Warning: no fresh vital signs before start.
    public static let vitalsMissing = "vitals.missing"
}
