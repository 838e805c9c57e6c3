// The independent checks, each a pure function from values and limits to findings (oref0 style: one cap, one
// function, one reason). The planner runs all that apply and combines the findings; none of them changes a
// value. Sentences name the quantity, its value and the limit.
import Foundation

/// The independent limit checks.
enum LimitChecks {
    /// "ketamine (mood)".
    static func label(_ drug: DrugEntry, _ profile: DrugProfile) -> String { "\(drug.name) (\(profile.id))" }

    /// Minimum / soft maximum / hard maximum on a prescribed quantity (HAZ-001).
    /// - Parameters:
    ///   - noun: "Dose" or "Dose rate"; `idPrefix`: "dose" or "dose-rate"; `per`: " per session" or "".
    static func prescribed<U>(
        _ value: Quantity<U>, _ limits: DoseLimits<Quantity<U>>, noun: String, idPrefix: String, per: String,
        label: String
    ) -> [Finding] {
        if LimitCompare.exceeds(value, limits.hardMaximum) {
            return [Finding(kind: .hardLimit, limit: "\(idPrefix).hard-max",
                message: "\(noun) \(value) is above the hard maximum of \(limits.hardMaximum)\(per) for \(label).")]
        }
        if LimitCompare.below(value, limits.minimum) {
            return [Finding(kind: .hardLimit, limit: "\(idPrefix).minimum",
                message: "\(noun) \(value) is below the minimum of \(limits.minimum) for \(label); check the decimal point.")]
        }
        if let soft = limits.softMaximum, LimitCompare.exceeds(value, soft) {
            return [Finding(kind: .softLimit, limit: "\(idPrefix).soft-max",
                message: "\(noun) \(value) is above the soft maximum of \(soft)\(per) for \(label); an override reason is required.")]
        }
        return []
    }

    /// Planned infusing time inside the profile's range.
    static func duration(_ value: Minutes, _ limits: DurationLimits, label: String) -> [Finding] {
        guard LimitCompare.below(value, limits.minimum) || LimitCompare.exceeds(value, limits.maximum) else { return [] }
        return [Finding(kind: .hardLimit, limit: LimitID.durationRange,
            message: "Duration \(value) is outside the allowed \(limits.minimum.value.plain) to \(limits.maximum) for \(label).")]
    }

    /// Concentration policy; an unlisted concentration is rejected (HAZ-001).
    static func concentration(_ value: MilligramsPerMilliliter, drug: DrugEntry) -> [Finding] {
        guard let rule = drug.rule(for: value) else {
            let usable = drug.concentrations.filter(\.isUsable).map(\.concentration.description).joined(separator: ", ")
            return [Finding(kind: .hardLimit, limit: LimitID.concentrationUnlisted,
                message: "Concentration \(value) is not listed for \(drug.name) and is rejected; usable concentrations are \(usable).")]
        }
        switch rule.policy {
        case .allowed:
            return []
        case .allowedWithWarning(let why):
            return [Finding(kind: .warning, limit: LimitID.concentrationWarning,
                message: "Concentration \(value) of \(drug.name) is allowed with a warning: \(why)")]
        case .rejected(let why):
            return [Finding(kind: .hardLimit, limit: LimitID.concentrationUndiluted,
                message: "Concentration \(value) of \(drug.name) is rejected: \(why)")]
        }
    }

    /// The weight-based rate the plan implies stays under the profile's hard cap (HAZ-001).
    static func rateCap(_ rate: MilligramsPerKilogramPerHour, profile: DrugProfile, label: String, what: String = "Resulting rate") -> [Finding] {
        guard LimitCompare.exceeds(rate, profile.rateHardCap) else { return [] }
        return [Finding(kind: .hardLimit, limit: LimitID.rateHardCap,
            message: "\(what) \(rate) is above the hard cap of \(profile.rateHardCap) for \(label).")]
    }

    /// The session total stays under the profile's per-session hard maximum (HAZ-002).
    static func sessionTotal(_ total: MilligramsPerKilogram, profile: DrugProfile, label: String) -> [Finding] {
        guard LimitCompare.exceeds(total, profile.sessionDoseHardMax) else { return [] }
        return [Finding(kind: .hardLimit, limit: LimitID.sessionHardMax,
            message: "Session total \(total) is above the hard maximum of \(profile.sessionDoseHardMax) per session for \(label).")]
    }

    /// The stated fill fits the syringe: more than its dead space, at most its nominal capacity.
    static func fill(_ fill: Milliliters, syringe: SyringeSpec) -> [Finding] {
        if LimitCompare.exceeds(fill, syringe.nominalVolume) {
            return [Finding(kind: .hardLimit, limit: LimitID.syringeFill,
                message: "Fill volume \(fill.formatted(maxFractionDigits: 2)) is more than the \(syringe.nominalVolume) capacity of syringe \(syringe.id).")]
        }
        if !LimitCompare.exceeds(fill, syringe.deadSpace) {
            return [Finding(kind: .hardLimit, limit: LimitID.syringeFill,
                message: "Fill volume \(fill.formatted(maxFractionDigits: 2)) is not more than the \(syringe.deadSpace) dead space of syringe \(syringe.id); nothing could be delivered.")]
        }
        return []
    }

    /// Volume plus dead space fits the syringe (HAZ-002): its nominal capacity, or the stated `fill` when one was
    /// given. When it does not, suggests the next listed usable concentration that would fit. A profile that
    /// allows a syringe change instead gets a warning saying how many syringes the program needs (its total is
    /// capped by the session limits, not by one syringe).
    static func capacity(
        volume: Milliliters, totalDose: Milligrams, concentration: MilligramsPerMilliliter,
        syringe: SyringeSpec, drug: DrugEntry, fill: Milliliters? = nil, syringeChangeAllowed: Bool = false
    ) -> [Finding] {
        let needed = volume + syringe.deadSpace
        let holds = fill ?? syringe.nominalVolume
        guard LimitCompare.exceeds(needed, holds) else { return [] }
        if syringeChangeAllowed {
            let usable = (holds - syringe.deadSpace).value
            let count = usable > 0 ? max(2, CheckedConversion.int((volume.value / usable - 1e-9).rounded(.up), .up)) : 2
            return [Finding(kind: .warning, limit: LimitID.syringeChangeNeeded,
                message: "Volume \(volume.formatted(maxFractionDigits: 2)) is more than one syringe \(syringe.id) filled with \(holds.formatted(maxFractionDigits: 2)) delivers (\(Milliliters(max(0, usable)).formatted(maxFractionDigits: 2))); the program continues in a new syringe (\(count) syringes in all): have the next one ready for the syringe-empty alarm.")]
        }
        if let fill, LimitCompare.exceeds(needed, fill), !LimitCompare.exceeds(needed, syringe.nominalVolume) {
            return [Finding(kind: .hardLimit, limit: LimitID.syringeCapacity,
                message: "Volume \(volume.formatted(maxFractionDigits: 2)) plus dead space \(syringe.deadSpace) needs \(needed.formatted(maxFractionDigits: 2)), more than the \(fill.formatted(maxFractionDigits: 2)) filled into syringe \(syringe.id); fill at least \(needed.formatted(maxFractionDigits: 2)) (this profile does not allow a syringe change).")]
        }
        let stronger = drug.concentrations
            .filter { $0.isUsable && LimitCompare.exceeds($0.concentration, concentration) }
            .map(\.concentration)
            .sorted()
            .first { !LimitCompare.exceeds(totalDose / $0 + syringe.deadSpace, syringe.nominalVolume) }
        let advice = stronger.map { "use \($0) (\((totalDose / $0).formatted(maxFractionDigits: 2))) or a larger syringe" }
            ?? "no listed concentration fits, so use a larger syringe"
        return [Finding(kind: .hardLimit, limit: LimitID.syringeCapacity,
            message: "Volume \(volume.formatted(maxFractionDigits: 2)) plus dead space \(syringe.deadSpace) needs \(needed.formatted(maxFractionDigits: 2)), more than the \(syringe.nominalVolume) capacity of syringe \(syringe.id); \(advice).")]
    }

    /// A positive, finite value; otherwise a hard finding naming the field.
    static func positive<U>(_ value: Quantity<U>, name: String, id: String) -> Finding? {
        guard !(value.isFinite && value.value > 0) else { return nil }
        return Finding(kind: .hardLimit, limit: id, message: "\(name) (\(value.stated)) is not a positive number and is rejected.")
    }
}
