// The patient facts a program is built from.
import Foundation

/// Sex as used by the Devine ideal-body-weight formula.
public enum Sex: String, Sendable, Hashable, CaseIterable, Codable {
    case female
    case male
}

/// Which body weight the weight-based dose is computed on.
public enum DosingWeightBasis: String, Sendable, Hashable, CaseIterable, Codable {
    /// Total (measured) body weight.
    case actual
    /// Devine ideal body weight (needs height and sex); never above the actual weight.
    case ideal
    /// Adjusted body weight IBW + 0.4 × (TBW − IBW) (needs height and sex); never above the actual weight.
    case adjusted
}

/// The patient as entered by the nurse.
public struct PatientInfo: Sendable, Hashable, Codable {
    /// Measured (total) body weight.
    public var weight: Kilograms
    /// Height; needed for BMI and for ideal/adjusted dosing weight.
    public var height: Centimeters?
    /// Sex; needed for ideal/adjusted dosing weight.
    public var sex: Sex?
    /// Which weight the dose is computed on.
    public var basis: DosingWeightBasis
    /// Optional identifier for the record (not used in any calculation).
    public var patientID: String?

    /// Creates patient facts; the defaults are actual-weight dosing with no height, sex or identifier.
    public init(
        weight: Kilograms, height: Centimeters? = nil, sex: Sex? = nil,
        basis: DosingWeightBasis = .actual, patientID: String? = nil
    ) {
        self.weight = weight
        self.height = height
        self.sex = sex
        self.basis = basis
        self.patientID = patientID
    }
}
