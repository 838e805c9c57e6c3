// Body-size formulas (clinical-reference §1.1, §1.3; all [M]: standard formulas, not from a primary source).
//
//   Devine IBW (kg):  male   50   + 0.9055 × (height_cm − 152.4)
//                     female 45.5 + 0.9055 × (height_cm − 152.4)
//   Adjusted BW:      IBW + 0.4 × (TBW − IBW)
//   BMI:              weight_kg / height_m²
//
// These are pure arithmetic; the policy (never dose on more than the patient weighs) is in `DosingWeight`.
import Foundation

/// Pure body-size formulas.
public enum BodyWeight {
    /// Devine ideal body weight. May be small or negative for very short heights; callers check the range.
    public static func ideal(height: Centimeters, sex: Sex) -> Kilograms {
        let base: Double = sex == .male ? 50 : 45.5
        return Kilograms(base + 0.9055 * (height.value - 152.4))
    }

    /// Adjusted body weight from total (actual) and ideal body weight.
    public static func adjusted(actual: Kilograms, ideal: Kilograms) -> Kilograms {
        ideal + 0.4 * (actual - ideal)
    }

    /// Body-mass index in kg/m².
    public static func bodyMassIndex(weight: Kilograms, height: Centimeters) -> Double {
        let metres = height.value / 100
        return weight.value / (metres * metres)
    }
}
