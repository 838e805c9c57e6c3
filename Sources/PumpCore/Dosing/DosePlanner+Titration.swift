// Titration: changing a running plan.
//
// The new plan keeps every start fact (drug, profile, patient, dosing weight, concentration, syringe, earlier
// overrides and warnings) and is re-validated against the SAME library limits as the original program.
// Quantities are session totals; the caller reports what has been delivered and how long the pump has been
// infusing (pauses excluded). Then:
//
//   delivered mg/kg   = delivered mL × concentration ÷ dosing weight
//   new total mg/kg   = new dose                                     (.dosePerKg, total-dose profiles)
//                     = delivered mg/kg + rate × (duration − elapsed)  (.doseRate or .duration, continuous-rate)
//                     = unchanged                                    (.duration, total-dose)
//   remaining volume  = new total volume − delivered volume
//   remaining time    = new duration − elapsed
//   nominal rate      = remaining volume ÷ remaining time            (must respect the mg/kg/h hard cap)
//
// Refused: a new total not above what was already delivered, a duration not beyond the elapsed time, a change
// that does not fit the profile's mode, and anything any original check would refuse.
import Foundation

extension DosePlanner {
    /// Validates `change` to the running `plan` and, when acceptable, returns the next revision of the plan.
    /// - Parameters:
    ///   - deliveredVolume: volume delivered since the start of the session (all revisions).
    ///   - elapsedInfusing: infusing time since the start of the session, excluding pauses.
    ///   - overrideReason: reason for exceeding a soft limit; blank counts as none.
    public func titrate(
        _ plan: DosePlan, _ change: TitrationChange, deliveredVolume: Milliliters, elapsedInfusing: Minutes,
        overrideReason: String?
    ) -> ValidationResult {
        guard let drug = drugs.drug(named: plan.drug), let profile = drug.profile(id: plan.profileID) else {
            return .rejected(LimitID.unknownProfile,
                "Profile \(plan.drug) (\(plan.profileID)) of the running plan is no longer in the drug library; titration is refused.")
        }
        let label = LimitChecks.label(drug, profile)
        guard deliveredVolume.isFinite, deliveredVolume.value >= 0 else {
            return .rejected(LimitID.invalidDelivered, "Delivered volume (\(deliveredVolume.stated)) is not a number of mL at or above zero.")
        }
        guard !LimitCompare.exceeds(deliveredVolume, plan.volume) else {
            return .rejected(LimitID.titrationDeliveredExceedsPlan,
                "Delivered volume \(deliveredVolume) is more than the planned \(plan.volume); the delivery record is inconsistent and titration is refused.")
        }
        guard elapsedInfusing.isFinite, elapsedInfusing.value >= 0 else {
            return .rejected(LimitID.invalidElapsed, "Elapsed infusing time (\(elapsedInfusing.stated)) is not a number of minutes at or above zero.")
        }

        let deliveredPerKg = (deliveredVolume * plan.concentration) / plan.dosingWeight
        var findings: [Finding] = []
        let newTotal: MilligramsPerKilogram
        var newDuration = plan.duration

        switch change {
        case .dosePerKg(let dose):
            guard plan.mode == .totalDose, let limits = profile.dose else {
                return .rejected(LimitID.titrationMode,
                    "A new total dose (\(dose)) cannot be set for \(label), which is prescribed as a rate; change the dose rate instead.")
            }
            if let f = LimitChecks.positive(dose, name: "Dose", id: LimitID.invalidDose) { return reject(f) }
            guard LimitCompare.exceeds(dose, deliveredPerKg) else {
                return .rejected(LimitID.titrationBelowDelivered,
                    "New total \(dose) is not above the \(deliveredPerKg.formatted(maxFractionDigits: 4)) already delivered; stop the infusion instead.")
            }
            newTotal = dose
            findings += LimitChecks.prescribed(dose, limits, noun: "Dose", idPrefix: "dose", per: " per session", label: label)

        case .doseRate(let rate):
            guard plan.mode == .continuousRate, let limits = profile.doseRate else {
                return .rejected(LimitID.titrationMode,
                    "A new dose rate (\(rate)) cannot be set for \(label), which is prescribed as a total dose; change the dose or the duration instead.")
            }
            if let f = LimitChecks.positive(rate, name: "Dose rate", id: LimitID.invalidDoseRate) { return reject(f) }
            newTotal = deliveredPerKg + rate * (plan.duration - elapsedInfusing)
            findings += LimitChecks.prescribed(rate, limits, noun: "Dose rate", idPrefix: "dose-rate", per: "", label: label)

        case .duration(let duration):
            if let f = LimitChecks.positive(duration, name: "Duration", id: LimitID.invalidDuration) { return reject(f) }
            newDuration = duration
            findings += LimitChecks.duration(duration, profile.duration, label: label)
            switch plan.mode {
            case .totalDose: newTotal = plan.dosePerKg
            case .continuousRate: newTotal = deliveredPerKg + plan.nominalDoseRate * (duration - elapsedInfusing)
            }
        }

        let remainingTime = newDuration - elapsedInfusing
        guard remainingTime.value > 0 else {
            return .rejected(LimitID.titrationDurationElapsed,
                "Duration \(newDuration) is not beyond the \(elapsedInfusing.formatted(maxFractionDigits: 2)) already infused; extend the duration first.")
        }
        let remainingPerKg = newTotal - deliveredPerKg
        guard remainingPerKg.value > 0 else {
            return .rejected(LimitID.titrationBelowDelivered,
                "Nothing remains to infuse: the new session total \(newTotal) is not above the \(deliveredPerKg.formatted(maxFractionDigits: 4)) already delivered.")
        }

        let totalDose = plan.dosingWeight * newTotal
        let volume = totalDose / plan.concentration
        let remainingRate = (volume - deliveredVolume) / remainingTime
        let remainingDoseRate = remainingPerKg / remainingTime

        findings += LimitChecks.rateCap(remainingDoseRate, profile: profile, label: label, what: "Rate for the remaining time")
        findings += LimitChecks.sessionTotal(newTotal, profile: profile, label: label)
        findings += LimitChecks.capacity(volume: volume, totalDose: totalDose, concentration: plan.concentration,
                                         syringe: plan.syringe, drug: drug, fill: plan.firstFill,
                                         syringeChangeAllowed: profile.syringeChangeAllowed)

        let revision = plan.revision + 1
        return Self.conclude(findings, overrideReason: overrideReason, revision: revision) { warnings, overrides in
            let steps = plan.geometry.steps(forVolume: volume)
            var next = plan
            next.dosePerKg = newTotal
            next.totalDose = totalDose
            next.volume = volume
            next.duration = newDuration
            next.nominalRate = remainingRate
            next.nominalDoseRate = remainingDoseRate
            next.targetSteps = steps
            next.deliverableVolume = plan.geometry.volume(for: steps)
            next.warnings = plan.warnings + warnings.filter { !plan.warnings.contains($0) }
            next.overrides = plan.overrides + overrides
            next.revision = revision
            next.deliveredBeforeRevision = deliveredVolume
            next.elapsedBeforeRevision = elapsedInfusing
            return next
        }
    }

    private func reject(_ finding: Finding) -> ValidationResult {
        ValidationResult(verdict: .rejected, findings: [finding], plan: nil)
    }
}
