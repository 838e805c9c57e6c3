// The payload of `validate`, `start` and titration dry runs: the program as the daemon computed it.
import Foundation

/// The infusion program computed by the daemon, with its verdict and findings.
public struct ProgramSummary: Sendable, Equatable, Codable {
    /// Drug name.
    public var drug: String
    /// Clinical profile.
    public var profile: Profile
    /// Measured body weight, kg.
    public var actualWeightKg: Double
    /// Weight the dose is computed on, kg.
    public var dosingWeightKg: Double
    /// Which weight that is.
    public var dosingWeightBasis: DosingWeightBasis
    /// Total dose, mg per kg of dosing weight.
    public var doseMgPerKg: Double
    /// Total dose, mg.
    public var totalMg: Double
    /// Total volume, mL.
    public var volumeMl: Double
    /// Microsteps the pump will deliver for `volumeMl` (rounded down, toward less drug); nil from older daemons.
    public var steps: Int?
    /// Rate, mL/h.
    public var rateMlPerH: Double
    /// Rate, mg/kg/h.
    public var rateMgPerKgPerH: Double
    /// Duration, minutes.
    public var durationMin: Double
    /// Expected wall-clock end if started now (or, for a titration, if applied now).
    public var expectedEnd: Date?
    /// Syringe model.
    public var syringe: String
    /// Concentration, mg/mL.
    public var concentrationMgPerMl: Double
    /// Whether it may run.
    public var verdict: Verdict
    /// Warnings and limits that apply.
    public var findings: [FindingDTO]
    /// Soft limits overridden, with the reason.
    public var overrides: [OverrideDTO]

    /// Creates a program summary.
    public init(
        drug: String, profile: Profile, actualWeightKg: Double, dosingWeightKg: Double,
        dosingWeightBasis: DosingWeightBasis, doseMgPerKg: Double, totalMg: Double, volumeMl: Double,
        rateMlPerH: Double, rateMgPerKgPerH: Double, durationMin: Double, expectedEnd: Date?, syringe: String,
        concentrationMgPerMl: Double, verdict: Verdict, findings: [FindingDTO] = [], overrides: [OverrideDTO] = [],
        steps: Int? = nil
    ) {
        self.drug = drug
        self.profile = profile
        self.actualWeightKg = actualWeightKg
        self.dosingWeightKg = dosingWeightKg
        self.dosingWeightBasis = dosingWeightBasis
        self.doseMgPerKg = doseMgPerKg
        self.totalMg = totalMg
        self.volumeMl = volumeMl
        self.steps = steps
        self.rateMlPerH = rateMlPerH
        self.rateMgPerKgPerH = rateMgPerKgPerH
        self.durationMin = durationMin
        self.expectedEnd = expectedEnd
        self.syringe = syringe
        self.concentrationMgPerMl = concentrationMgPerMl
        self.verdict = verdict
        self.findings = findings
        self.overrides = overrides
    }

    enum CodingKeys: String, CodingKey {
        case drug, profile, syringe, verdict, findings, overrides, steps
        case actualWeightKg = "actual_weight_kg"
        case dosingWeightKg = "dosing_weight_kg"
        case dosingWeightBasis = "dosing_weight_basis"
        case doseMgPerKg = "dose_mg_per_kg"
        case totalMg = "total_mg"
        case volumeMl = "volume_ml"
        case rateMlPerH = "rate_ml_per_h"
        case rateMgPerKgPerH = "rate_mg_per_kg_per_h"
        case durationMin = "duration_min"
        case expectedEnd = "expected_end"
        case concentrationMgPerMl = "concentration_mg_per_ml"
    }
}

/// A soft limit that was overridden, and why.
public struct OverrideDTO: Sendable, Equatable, Codable {
    /// The stable name of the limit.
    public var limit: String
    /// The reason given by the nurse.
    public var reason: String

    /// Creates an override record.
    public init(limit: String, reason: String) {
        self.limit = limit
        self.reason = reason
    }
}
