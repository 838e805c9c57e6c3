// Plausible magnitudes for every numeric field of every request (safety kernel v2 item 4).
//
// These are NOT clinical limits (the drug library's soft and hard limits decide those, with findings and
// overrides); they are the widest range a value can have and still be a number a person meant, checked before
// anything converts it. A finite Double can still trap a conversion (1e14 mg/kg, 1e-14 mg/mL made pumpd divide
// its way to 1e17 steps and crash on Int64(...)); past these bounds the request is refused with one sentence that
// names the field, the value and the range, and nothing else happens.
import Foundation

/// A closed range for one numeric request field.
public struct FieldBound: Sendable, Equatable {
    /// The wire name, e.g. `concentration_mg_per_ml`.
    public var field: String
    /// Smallest plausible value.
    public var minimum: Double
    /// Largest plausible value.
    public var maximum: Double

    /// The sentence for `value` outside the range, or nil when it is inside (and finite).
    public func violation(_ value: Double?) -> String? {
        guard let value else { return nil }
        if value.isFinite, value >= minimum, value <= maximum { return nil }
        return "The field \(field) is \(Self.render(value)), outside the plausible range \(Self.render(minimum)) to \(Self.render(maximum)); nothing was changed."
    }

    /// A number as a person reads it (no exponent below 1e9, shortest form otherwise).
    static func render(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "not a number" : (value > 0 ? "infinite" : "minus infinite") }
        if value != 0, abs(value) < 1e-4 || abs(value) >= 1e9 { return String(format: "%g", value) }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// The bounds of every numeric request field.
public enum RequestBounds {
    public static let weightKg = FieldBound(field: "weight_kg", minimum: 0.3, maximum: 400)
    public static let heightCm = FieldBound(field: "height_cm", minimum: 20, maximum: 280)
    public static let doseMgPerKg = FieldBound(field: "dose_mg_per_kg", minimum: 0.0001, maximum: 100)
    public static let rateMgPerKgPerH = FieldBound(field: "rate_mg_per_kg_per_h", minimum: 0.0001, maximum: 100)
    public static let durationMin = FieldBound(field: "duration_min", minimum: 0.1, maximum: 10_080)
    public static let concentrationMgPerMl = FieldBound(field: "concentration_mg_per_ml", minimum: 0.001, maximum: 1000)
    public static let limit = FieldBound(field: "limit", minimum: 1, maximum: 10_000)
    public static let fillMl = FieldBound(field: "fill_ml", minimum: 0.01, maximum: 1000)

    /// Every bound, for documentation and tests.
    public static let all = [weightKg, heightCm, doseMgPerKg, rateMgPerKgPerH, durationMin, concentrationMgPerMl, limit, fillMl]

    /// The first numeric field of a start/validate program outside its bound.
    public static func violation(_ p: StartParameters) -> String? {
        weightKg.violation(p.weightKg) ?? heightCm.violation(p.heightCm) ?? doseMgPerKg.violation(p.doseMgPerKg)
            ?? rateMgPerKgPerH.violation(p.rateMgPerKgPerH) ?? durationMin.violation(p.durationMin)
            ?? concentrationMgPerMl.violation(p.concentrationMgPerMl) ?? fillMl.violation(p.fillMl)
    }

    /// The first numeric field of a syringe change outside its bound.
    public static func violation(_ p: SyringeChangeParameters) -> String? {
        fillMl.violation(p.fillMl) ?? concentrationMgPerMl.violation(p.concentrationMgPerMl)
    }

    /// The first numeric field of a titration outside its bound.
    public static func violation(_ p: TitrateParameters) -> String? {
        doseMgPerKg.violation(p.doseMgPerKg) ?? durationMin.violation(p.durationMin)
            ?? rateMgPerKgPerH.violation(p.rateMgPerKgPerH)
    }
}
