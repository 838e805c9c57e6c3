// The stable identifiers of every check the planner makes. They appear in `Finding.limit`, in override
// records and in logs; treat them as API (other components and tests match on them).
import Foundation

/// Stable limit identifiers used in `Finding.limit`.
public enum LimitID {
    // Inputs that are not numbers a person could mean (NaN, infinity, zero, negative).
    public static let invalidWeight = "input.weight"
    public static let invalidHeight = "input.height"
    public static let invalidDose = "input.dose"
    public static let invalidDoseRate = "input.dose-rate"
    public static let invalidDuration = "input.duration"
    public static let invalidConcentration = "input.concentration"
    public static let invalidDelivered = "input.delivered"
    public static let invalidElapsed = "input.elapsed"

    // Unknown identifiers and inconsistent requests.
    public static let unknownDrug = "drug.unknown"
    public static let unknownProfile = "profile.unknown"
    public static let unknownSyringe = "syringe.unknown"
    public static let doseMissing = "dose.missing"
    public static let doseWrongMode = "dose.mode"
    public static let libraryInconsistent = "library.profile"

    // Patient.
    public static let weightRange = "weight.range"
    public static let heightRange = "height.range"
    public static let weightBasis = "weight.basis"
    public static let dosingWeightRange = "dosing-weight.range"
    public static let idealAboveActual = "weight.ideal-above-actual"
    public static let bmiHigh = "bmi.high"

    // Dose, rate and duration.
    public static let doseMinimum = "dose.minimum"
    public static let doseSoftMax = "dose.soft-max"
    public static let doseHardMax = "dose.hard-max"
    public static let doseRateMinimum = "dose-rate.minimum"
    public static let doseRateSoftMax = "dose-rate.soft-max"
    public static let doseRateHardMax = "dose-rate.hard-max"
    public static let durationRange = "duration.range"
    public static let rateHardCap = "rate.hard-cap"
    public static let sessionHardMax = "session.hard-max"

    // Concentration.
    public static let concentrationUndiluted = "concentration.undiluted"
    public static let concentrationUnlisted = "concentration.unlisted"
    public static let concentrationWarning = "concentration.warning"

    // Syringe.
    public static let syringeCapacity = "syringe.capacity"
    public static let volumeBelowOneStep = "syringe.below-one-step"

    // Titration.
    public static let titrationMode = "titration.mode"
    public static let titrationBelowDelivered = "titration.below-delivered"
    public static let titrationDurationElapsed = "titration.duration-elapsed"
    public static let titrationDeliveredExceedsPlan = "titration.delivered-exceeds-plan"
}
