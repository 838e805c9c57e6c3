// Turns a nurse's request into a validated plan, or refuses it with reasons.
//
// Algorithm:
//  1. Resolve drug, profile and syringe (unknown → refused, listing the known ids).
//  2. Reject non-finite or non-positive numbers, and a dose given in the wrong mode.
//  3. Resolve the dosing weight (weight range, height, basis; never above actual weight).
//  4. Compute exactly: total mg/kg, mg, mL, mL/h, mg/kg/h, steps (floor).
//  5. Run every independent check (dose/rate min-soft-hard, duration, concentration, rate cap, session cap,
//     syringe fill and capacity: a profile with syringe_change_allowed may exceed one syringe, with a warning)
//     and collect ALL findings.
//  6. Verdict: any hard limit → rejected; a soft limit without a non-blank reason → needsOverride;
//     otherwise accepted, with the overrides recorded. The plan carries the requested values unchanged.
import Foundation

/// Validates programs and titrations against the drug and syringe libraries.
public struct DosePlanner: Sendable {
    /// The drug library all limits come from.
    public let drugs: DrugLibrary
    /// The syringes that may be used.
    public let syringes: SyringeLibrary
    /// The drive the syringe sits on (for step conversion).
    public let mechanics: DriveMechanics

    /// Creates a planner.
    public init(drugs: DrugLibrary, syringes: SyringeLibrary, mechanics: DriveMechanics = .init()) {
        self.drugs = drugs
        self.syringes = syringes
        self.mechanics = mechanics
    }

    /// Validates `request` and, when acceptable, builds the plan from exactly the requested values.
    public func validate(_ request: ProgramRequest) -> ValidationResult {
        guard let drug = drugs.drug(named: request.drug) else {
            return .rejected(LimitID.unknownDrug,
                "Drug \"\(request.drug)\" is not in the drug library; known drugs: \(drugs.drugs.map(\.name).joined(separator: ", ")).")
        }
        guard let profile = drug.profile(id: request.profile) else {
            return .rejected(LimitID.unknownProfile,
                "Profile \"\(request.profile)\" is not defined for \(drug.name); known profiles: \(drug.profiles.map(\.id).joined(separator: ", ")).")
        }
        guard let syringe = syringes.syringe(id: request.syringeID) else {
            return .rejected(LimitID.unknownSyringe,
                "Syringe \"\(request.syringeID)\" is not in the syringe library; known syringes: \(syringes.syringes.map(\.id).joined(separator: ", ")).")
        }
        let label = LimitChecks.label(drug, profile)

        // Inputs that no clinician could mean.
        var invalid: [Finding] = []
        if let f = LimitChecks.positive(request.concentration, name: "Concentration", id: LimitID.invalidConcentration) { invalid.append(f) }
        if let duration = request.duration, let f = LimitChecks.positive(duration, name: "Duration", id: LimitID.invalidDuration) { invalid.append(f) }
        if let dose = request.dosePerKg, let f = LimitChecks.positive(dose, name: "Dose", id: LimitID.invalidDose) { invalid.append(f) }
        if let rate = request.doseRate, let f = LimitChecks.positive(rate, name: "Dose rate", id: LimitID.invalidDoseRate) { invalid.append(f) }
        if let fill = request.fillVolume, let f = LimitChecks.positive(fill, name: "Fill volume", id: LimitID.invalidFill) { invalid.append(f) }
        if !invalid.isEmpty { return ValidationResult(verdict: .rejected, findings: invalid, plan: nil) }

        // The prescription must match the profile's mode; nothing is converted between modes.
        let prescribed: Prescribed
        switch resolvePrescription(request, profile: profile, label: label) {
        case .success(let value): prescribed = value
        case .failure(let refusal): return ValidationResult(verdict: .rejected, findings: [refusal.finding], plan: nil)
        }

        let weight: DosingWeight
        switch DosingWeight.resolve(for: request.patient, drug: drug) {
        case .success(let value): weight = value
        case .failure(let refusal): return ValidationResult(verdict: .rejected, findings: [refusal.finding], plan: nil)
        }

        let duration = request.duration ?? profile.duration.default
        let concentration = request.concentration
        let dosePerKg: MilligramsPerKilogram
        let doseRate: MilligramsPerKilogramPerHour
        var findings = weight.findings
        switch prescribed {
        case .total(let dose, let limits):
            dosePerKg = dose
            doseRate = dose / duration
            findings += LimitChecks.prescribed(dose, limits, noun: "Dose", idPrefix: "dose", per: " per session", label: label)
        case .rate(let rate, let limits):
            doseRate = rate
            dosePerKg = rate * duration
            findings += LimitChecks.prescribed(rate, limits, noun: "Dose rate", idPrefix: "dose-rate", per: "", label: label)
        }
        let totalDose = weight.weight * dosePerKg
        let volume = totalDose / concentration
        let geometry = SyringeGeometry(syringe: syringe, mechanics: mechanics)

        findings += LimitChecks.duration(duration, profile.duration, label: label)
        findings += LimitChecks.concentration(concentration, drug: drug)
        findings += LimitChecks.rateCap(doseRate, profile: profile, label: label)
        findings += LimitChecks.sessionTotal(dosePerKg, profile: profile, label: label)
        if let fill = request.fillVolume { findings += LimitChecks.fill(fill, syringe: syringe) }
        findings += LimitChecks.capacity(volume: volume, totalDose: totalDose, concentration: concentration, syringe: syringe,
                                         drug: drug, fill: request.fillVolume, syringeChangeAllowed: profile.syringeChangeAllowed)
        let steps = geometry.steps(forVolume: volume)
        if steps == .zero {
            findings.append(Finding(kind: .hardLimit, limit: LimitID.volumeBelowOneStep,
                message: "Volume \(volume) is less than one motor step (\(geometry.volumePerStep)) of syringe \(syringe.id) and cannot be delivered."))
        }

        return Self.conclude(findings, overrideReason: request.overrideReason, revision: 1) { warnings, overrides in
            var plan = DosePlan(
                drug: drug.name, profileID: profile.id, mode: profile.mode, patient: request.patient,
                dosingWeight: weight.weight, dosingWeightBasis: weight.basis, dosePerKg: dosePerKg,
                totalDose: totalDose, concentration: concentration, volume: volume, duration: duration,
                nominalRate: volume / duration, nominalDoseRate: doseRate, rateHardCap: profile.rateHardCap,
                syringe: syringe, geometry: geometry, targetSteps: steps, deliverableVolume: geometry.volume(for: steps),
                catchUpFactor: profile.catchUpFactor, nearEndWarning: profile.nearEndWarning,
                pausedReminder: profile.pausedReminder, warnings: warnings, overrides: overrides, revision: 1,
                deliveredBeforeRevision: .zero, elapsedBeforeRevision: .zero)
            plan.firstFill = request.fillVolume ?? syringe.nominalVolume
            plan.syringeChangeAllowed = profile.syringeChangeAllowed
            return plan
        }
    }

    /// The prescribed quantity with its limits.
    enum Prescribed {
        case total(MilligramsPerKilogram, DoseLimits<MilligramsPerKilogram>)
        case rate(MilligramsPerKilogramPerHour, DoseLimits<MilligramsPerKilogramPerHour>)
    }

    private func resolvePrescription(_ request: ProgramRequest, profile: DrugProfile, label: String) -> Result<Prescribed, Refusal> {
        switch profile.mode {
        case .totalDose:
            if let rate = request.doseRate {
                return .failure(Refusal(LimitID.doseWrongMode,
                    "A dose rate (\(rate)) was given, but \(label) is prescribed as a total dose in mg/kg over a duration."))
            }
            guard let dose = request.dosePerKg else {
                return .failure(Refusal(LimitID.doseMissing, "No dose was given; \(label) needs a total dose in mg/kg."))
            }
            guard let limits = profile.dose else {
                return .failure(Refusal(LimitID.libraryInconsistent, "The drug library has no dose limits for \(label); it cannot be used."))
            }
            return .success(.total(dose, limits))
        case .continuousRate:
            if let dose = request.dosePerKg {
                return .failure(Refusal(LimitID.doseWrongMode,
                    "A total dose (\(dose)) was given, but \(label) is prescribed as a rate in mg/kg/h."))
            }
            guard let rate = request.doseRate else {
                return .failure(Refusal(LimitID.doseMissing, "No dose rate was given; \(label) needs a rate in mg/kg/h."))
            }
            guard let limits = profile.doseRate else {
                return .failure(Refusal(LimitID.libraryInconsistent, "The drug library has no dose-rate limits for \(label); it cannot be used."))
            }
            return .success(.rate(rate, limits))
        }
    }

    /// Applies the verdict rules to `findings` and builds the plan only when accepted.
    static func conclude(
        _ findings: [Finding], overrideReason: String?, revision: Int,
        build: ([Finding], [OverrideRecord]) -> DosePlan
    ) -> ValidationResult {
        let hard = findings.filter { $0.kind == .hardLimit }
        let soft = findings.filter { $0.kind == .softLimit }
        let warnings = findings.filter { $0.kind == .warning }
        let ordered = hard + soft + warnings
        if !hard.isEmpty { return ValidationResult(verdict: .rejected, findings: ordered, plan: nil) }
        let reason = overrideReason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !soft.isEmpty && reason.isEmpty { return ValidationResult(verdict: .needsOverride, findings: ordered, plan: nil) }
        let overrides = soft.map { OverrideRecord(limit: $0.limit, message: $0.message, reason: reason, revision: revision) }
        return ValidationResult(verdict: .accepted, findings: ordered, plan: build(warnings, overrides))
    }
}
