// One drug in the library: identity, patient limits, concentrations and profiles.
import Foundation

/// A drug and everything the planner needs to check a program for it.
public struct DrugEntry: Sendable, Hashable {
    /// Stable lower-case identifier, e.g. "ketamine".
    public var name: String
    /// Name shown to people, e.g. "Ketamine (racemic)".
    public var displayName: String
    /// Accepted range of actual body weight.
    public var weightLimits: WeightLimits
    /// Above this body-mass index the plan carries a warning (needs the patient's height).
    public var bmiWarningThreshold: Double
    /// Listed concentrations; any other concentration is rejected.
    public var concentrations: [ConcentrationRule]
    /// The protocols this drug may be given by.
    public var profiles: [DrugProfile]
    /// Vital-sign interlock limits (`[drugs.vital_signs]`; provisional defaults when the file has none).
    public var vitalSigns: VitalSignThresholds
    /// Identifier of the plasma-concentration model for this drug (`plasma_model`), nil for the default.
    public var plasmaModelID: String?

    /// Creates a drug entry.
    public init(
        name: String, displayName: String, weightLimits: WeightLimits, bmiWarningThreshold: Double,
        concentrations: [ConcentrationRule], profiles: [DrugProfile],
        vitalSigns: VitalSignThresholds = .provisionalDefaults, plasmaModelID: String? = nil
    ) {
        self.vitalSigns = vitalSigns
        self.plasmaModelID = plasmaModelID
        self.name = name
        self.displayName = displayName
        self.weightLimits = weightLimits
        self.bmiWarningThreshold = bmiWarningThreshold
        self.concentrations = concentrations
        self.profiles = profiles
    }

    /// The profile with identifier `id`, if listed.
    public func profile(id: String) -> DrugProfile? { profiles.first { IdentifierKey.same($0.id, id) } }

    /// The rule for `concentration`, or `nil` when it is not listed (and therefore rejected).
    public func rule(for concentration: MilligramsPerMilliliter) -> ConcentrationRule? {
        concentrations.first { $0.matches(concentration) }
    }
}

/// The set of drugs the pump may infuse.
public struct DrugLibrary: Sendable, Hashable {
    /// All drugs, in file order.
    public var drugs: [DrugEntry]

    /// Creates a library.
    public init(drugs: [DrugEntry]) { self.drugs = drugs }

    /// The drug called `name` (exact, case-sensitive identifier), if listed.
    public func drug(named name: String) -> DrugEntry? { drugs.first { IdentifierKey.same($0.name, name) } }
}
