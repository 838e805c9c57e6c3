// Which drug concentrations (mg/mL in the syringe) may be infused.
//
// Default is REFUSAL: a concentration the library does not list is rejected, so an undiluted vial or a
// mis-typed value (e.g. 20 for 2 mg/mL) can never be programmed by omission (HAZ-001).
import Foundation

/// What the library says about one concentration.
public enum ConcentrationPolicy: Sendable, Hashable {
    /// May be used without comment.
    case allowed
    /// May be used; the sentence is shown to the nurse as a warning.
    case allowedWithWarning(String)
    /// Must not be infused; the sentence explains why (e.g. undiluted vial strength).
    case rejected(String)
}

/// One listed concentration and its policy.
public struct ConcentrationRule: Sendable, Hashable {
    /// Drug mass per syringe volume.
    public var concentration: MilligramsPerMilliliter
    /// Whether and how it may be used.
    public var policy: ConcentrationPolicy

    /// Creates a rule.
    public init(concentration: MilligramsPerMilliliter, policy: ConcentrationPolicy) {
        self.concentration = concentration
        self.policy = policy
    }

    /// True when `other` is this rule's concentration. Equality is exact up to floating-point representation
    /// (relative 1e-9), so 2 and 2.0000000001 match but 2.01 does not.
    public func matches(_ other: MilligramsPerMilliliter) -> Bool {
        abs(other.value - concentration.value) <= 1e-9 * max(abs(concentration.value), 1)
    }

    /// True when the policy lets the concentration be infused (with or without a warning).
    public var isUsable: Bool {
        if case .rejected = policy { return false }
        return true
    }
}
