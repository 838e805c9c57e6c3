// Reads and validates one [[drugs.profiles]] table (see DrugLibraryLoader for the rules).
import Foundation
import PumpCore

enum DrugProfileReader {
    static func load(_ element: TOMLReader) throws -> DrugProfile {
        try element.rejectUnknownKeys([
            "id", "mode", "dose_mg_per_kg", "dose_rate_mg_per_kg_per_h", "duration_min",
            "rate_hard_cap_mg_per_kg_per_h", "session_dose_hard_max_mg_per_kg", "catch_up_factor",
            "near_end_warning_min", "paused_reminder_min", "double_check", "double_check_override_allowed",
            "syringe_change_allowed",
        ])
        let id = try element.string("id")
        if let problem = IdentifierKey.formatViolation(id, field: "profile id") {
            throw LibraryLoadError(.invalidValue, file: element.file, key: element.keyPath("id"), value: id,
                                   message: "\(element.file): key \(element.keyPath("id")): \(problem)")
        }
        let reader = element.renamed(element.path.replacingOccurrences(of: #"\[\d+\]$"#, with: "", options: .regularExpression) + ".\(id)")
        let modeName = try reader.string("mode")
        guard let mode = DosingMode(rawValue: modeName) else {
            throw LibraryLoadError.invalid(reader.file, reader.keyPath("mode"), "\"\(modeName)\"",
                "it must be \"total-dose\" or \"continuous-rate\"")
        }
        let doseKey = "dose_mg_per_kg", rateKey = "dose_rate_mg_per_kg_per_h"
        let (needed, forbidden) = mode == .totalDose ? (doseKey, rateKey) : (rateKey, doseKey)
        if reader.has(forbidden) {
            throw LibraryLoadError.invalid(reader.file, reader.keyPath(forbidden), "(table)",
                "a \"\(modeName)\" profile takes \(needed), not \(forbidden)")
        }
        let limits = try limits(reader.table(needed))
        let duration = try durations(reader.table("duration_min"))
        let rateCap = try reader.positive("rate_hard_cap_mg_per_kg_per_h")
        let sessionMax = try reader.positive("session_dose_hard_max_mg_per_kg")
        let catchUp = try reader.number("catch_up_factor")
        guard (1.0...1.5).contains(catchUp) else {
            throw reader.invalid("catch_up_factor", catchUp, "it must be between 1.0 and 1.5")
        }

        // The profile's own defaults must pass its own caps, or the default program could never run.
        let defaultDuration = duration.default
        let defaultTotal = mode == .totalDose ? limits.default : limits.default * defaultDuration / 60
        let defaultRate = mode == .totalDose ? limits.default / (defaultDuration / 60) : limits.default
        guard defaultRate <= rateCap * (1 + 1e-9) else {
            throw reader.invalid("rate_hard_cap_mg_per_kg_per_h", rateCap,
                "the default program implies \(defaultRate.plainText) mg/kg/h, above this cap")
        }
        guard defaultTotal <= sessionMax * (1 + 1e-9) else {
            throw reader.invalid("session_dose_hard_max_mg_per_kg", sessionMax,
                "the default program gives \(defaultTotal.plainText) mg/kg, above this maximum")
        }

        let doubleCheck = try reader.optionalString("double_check") ?? "off"
        guard ["off", "required"].contains(doubleCheck) else {
            throw LibraryLoadError.invalid(reader.file, reader.keyPath("double_check"), "\"\(doubleCheck)\"", "it must be \"off\" or \"required\"")
        }
        let overrideAllowed = reader.has("double_check_override_allowed") ? try reader.bool("double_check_override_allowed") : false
        let syringeChange = reader.has("syringe_change_allowed") ? try reader.bool("syringe_change_allowed") : false

        return DrugProfile(
            id: id, mode: mode,
            dose: mode == .totalDose ? limits.map(MilligramsPerKilogram.init) : nil,
            doseRate: mode == .continuousRate ? limits.map(MilligramsPerKilogramPerHour.init) : nil,
            duration: DurationLimits(minimum: Minutes(duration.minimum), default: Minutes(duration.default), maximum: Minutes(duration.maximum)),
            rateHardCap: MilligramsPerKilogramPerHour(rateCap),
            sessionDoseHardMax: MilligramsPerKilogram(sessionMax),
            catchUpFactor: catchUp,
            nearEndWarning: Minutes(try reader.positive("near_end_warning_min")),
            pausedReminder: Minutes(try reader.positive("paused_reminder_min")),
            doubleCheckRequired: doubleCheck == "required", doubleCheckOverrideAllowed: overrideAllowed,
            syringeChangeAllowed: syringeChange)
    }

    /// Raw limits before they get a unit.
    struct RawLimits {
        var minimum: Double, `default`: Double, softMaximum: Double?, hardMaximum: Double
        func map<Q: Comparable & Hashable & Sendable & CustomStringConvertible>(_ make: (Double) -> Q) -> DoseLimits<Q> {
            DoseLimits(minimum: make(minimum), default: make(`default`), softMaximum: softMaximum.map(make), hardMaximum: make(hardMaximum))
        }
    }

    /// 0 < minimum ≤ default ≤ soft_maximum ≤ hard_maximum; soft_maximum optional.
    static func limits(_ reader: TOMLReader) throws -> RawLimits {
        try reader.rejectUnknownKeys(["minimum", "default", "soft_maximum", "hard_maximum"])
        let minimum = try reader.positive("minimum")
        let def = try reader.positive("default")
        let soft = try reader.optionalNumber("soft_maximum")
        let hard = try reader.positive("hard_maximum")
        guard hard >= minimum else { throw reader.invalid("hard_maximum", hard, "it is below minimum = \(minimum.plainText)") }
        if let soft {
            guard soft > 0 else { throw reader.invalid("soft_maximum", soft, "it must be greater than zero") }
            guard hard >= soft else { throw reader.invalid("hard_maximum", hard, "it is below soft_maximum = \(soft.plainText)") }
            guard soft >= minimum else { throw reader.invalid("soft_maximum", soft, "it is below minimum = \(minimum.plainText)") }
        }
        guard def >= minimum, def <= hard else {
            throw reader.invalid("default", def, "it is outside minimum..hard_maximum = \(minimum.plainText)..\(hard.plainText)")
        }
        if let soft, def > soft {
            throw reader.invalid("default", def, "it is above soft_maximum = \(soft.plainText), so the default would need an override")
        }
        return RawLimits(minimum: minimum, default: def, softMaximum: soft, hardMaximum: hard)
    }

    /// 0 < minimum ≤ default ≤ maximum (minutes).
    static func durations(_ reader: TOMLReader) throws -> (minimum: Double, default: Double, maximum: Double) {
        try reader.rejectUnknownKeys(["minimum", "default", "maximum"])
        let minimum = try reader.positive("minimum")
        let def = try reader.positive("default")
        let maximum = try reader.positive("maximum")
        guard maximum >= minimum else { throw reader.invalid("maximum", maximum, "it is below minimum = \(minimum.plainText)") }
        guard def >= minimum, def <= maximum else {
            throw reader.invalid("default", def, "it is outside minimum..maximum = \(minimum.plainText)..\(maximum.plainText)")
        }
        return (minimum, def, maximum)
    }
}
