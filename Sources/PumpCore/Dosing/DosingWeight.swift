// Choosing the weight the dose is computed on.
//
// Policy (HAZ-001):
//  - actual weight must be a finite positive number inside the drug's hard weight range;
//  - height, when given, must be plausible (100–250 cm), so a metres-for-centimetres or decimal slip is caught;
//  - ideal / adjusted need height and sex, otherwise the program is refused (no guessing);
//  - the dosing weight is NEVER more than the actual weight: if the formula gives more, the actual weight is
//    used and a warning says so;
//  - the chosen dosing weight must itself lie in the drug's weight range;
//  - BMI above the drug's threshold (height needed) is a warning.
import Foundation

/// The weight a dose is computed on, and why.
public struct DosingWeight: Sendable, Equatable {
    /// The weight to multiply mg/kg by.
    public var weight: Kilograms
    /// The basis requested.
    public var basis: DosingWeightBasis
    /// Devine ideal body weight, when height and sex were given.
    public var idealBodyWeight: Kilograms?
    /// Body-mass index, when height was given.
    public var bodyMassIndex: Double?
    /// Warnings and refusals found while choosing the weight.
    public var findings: [Finding]

    /// Plausible heights (cm). Outside this range the value is almost certainly an entry error.
    public static let plausibleHeight: ClosedRange<Double> = 100...250

    /// Resolves the dosing weight for `patient` under `drug`'s weight limits and BMI threshold.
    /// Fails with the refusal when the weight, height or basis cannot be used.
    public static func resolve(for patient: PatientInfo, drug: DrugEntry) -> Result<DosingWeight, Refusal> {
        let actual = patient.weight
        guard actual.isFinite, actual.value > 0 else {
            return .failure(Refusal(LimitID.invalidWeight, "Weight (\(actual.stated)) is not a positive number; enter the patient's weight in kg."))
        }
        let limits = drug.weightLimits
        guard limits.contains(actual) else {
            return .failure(Refusal(LimitID.weightRange,
                "Weight \(actual) is outside the accepted range of \(limits.hardMinimum.value.plain) to \(limits.hardMaximum) for \(drug.name)."))
        }
        var findings: [Finding] = []
        var bmi: Double?
        if let height = patient.height {
            guard height.isFinite, height.value > 0 else {
                return .failure(Refusal(LimitID.invalidHeight, "Height (\(height.stated)) is not a positive number; enter the height in cm."))
            }
            guard plausibleHeight.contains(height.value) else {
                return .failure(Refusal(LimitID.heightRange,
                    "Height \(height) is outside the plausible range of \(plausibleHeight.lowerBound.plain) to \(plausibleHeight.upperBound.plain) cm; check the unit and the decimal point."))
            }
            let index = BodyWeight.bodyMassIndex(weight: actual, height: height)
            bmi = index
            if index > drug.bmiWarningThreshold {
                findings.append(Finding(kind: .warning, limit: LimitID.bmiHigh,
                    message: "BMI \(index.plain(1)) is above \(drug.bmiWarningThreshold.plain) for \(drug.name); consider dosing on ideal or adjusted body weight (now dosing on \(patient.basis.rawValue) weight)."))
            }
        }

        var ideal: Kilograms?
        if let height = patient.height, let sex = patient.sex { ideal = BodyWeight.ideal(height: height, sex: sex) }

        let chosen: Kilograms
        switch patient.basis {
        case .actual:
            chosen = actual
        case .ideal, .adjusted:
            guard let ibw = ideal else {
                return .failure(Refusal(LimitID.weightBasis,
                    "Dosing on \(patient.basis.rawValue) body weight needs the patient's height and sex; enter both or dose on actual weight."))
            }
            let formula = patient.basis == .ideal ? ibw : BodyWeight.adjusted(actual: actual, ideal: ibw)
            if formula > actual {
                // HAZ-001: never dose on more than the patient weighs.
                chosen = actual
                findings.append(Finding(kind: .warning, limit: LimitID.idealAboveActual,
                    message: "\(patient.basis == .ideal ? "Ideal" : "Adjusted") body weight \(formula.formatted(maxFractionDigits: 1)) is above the actual weight \(actual), so the actual weight \(actual) is used as the dosing weight."))
            } else {
                chosen = formula
            }
        }
        guard limits.contains(chosen) else {
            return .failure(Refusal(LimitID.dosingWeightRange,
                "Dosing weight \(chosen.formatted(maxFractionDigits: 1)) (\(patient.basis.rawValue)) is outside the accepted range of \(limits.hardMinimum.value.plain) to \(limits.hardMaximum) for \(drug.name)."))
        }
        return .success(DosingWeight(weight: chosen, basis: patient.basis, idealBodyWeight: ideal, bodyMassIndex: bmi, findings: findings))
    }
}

/// A single hard-limit reason for refusing a request.
public struct Refusal: Error, Sendable, Equatable {
    /// The hard-limit finding.
    public var finding: Finding
    /// Creates a refusal for limit `limit` with sentence `message`.
    public init(_ limit: String, _ message: String) {
        finding = Finding(kind: .hardLimit, limit: limit, message: message)
    }
}
