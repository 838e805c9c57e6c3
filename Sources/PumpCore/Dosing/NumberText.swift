// Plain number formatting for sentences: no trailing zeros (ISMP: "1.0" can be misread as "10"), '.' as the
// decimal separator, at most four decimals unless asked otherwise.
import Foundation

extension Double {
    /// The number with up to `digits` decimals and no trailing zeros, e.g. 1.0 → "1", 0.75 → "0.75".
    var plain: String { Quantity<MilligramUnit>.format(self) }

    /// The number with up to `digits` decimals and no trailing zeros.
    func plain(_ digits: Int) -> String { Quantity<MilligramUnit>.format(self, maxFractionDigits: digits) }
}

/// Floating-point comparisons against limits. The tolerance (one part in 10⁹) absorbs representation error
/// only (e.g. 1 mg/kg over 40 min = 1.5000000000000002 mg/kg/h); it is far below any clinical quantity.
enum LimitCompare {
    static let relativeTolerance = 1e-9

    /// True when `value` is above `limit` by more than representation error.
    static func exceeds<U>(_ value: Quantity<U>, _ limit: Quantity<U>) -> Bool {
        value.value > limit.value + relativeTolerance * Swift.max(abs(limit.value), 1)
    }

    /// True when `value` is below `limit` by more than representation error.
    static func below<U>(_ value: Quantity<U>, _ limit: Quantity<U>) -> Bool {
        value.value < limit.value - relativeTolerance * Swift.max(abs(limit.value), 1)
    }
}

extension Quantity {
    /// The value as a person should read it in a sentence: "52.5 mL/h", or "not a number" / "infinite" for
    /// values that are not finite (never "nan mg/kg").
    var stated: String {
        if value.isNaN { return "not a number" }
        if value.isInfinite { return value > 0 ? "infinite" : "minus infinity" }
        return description
    }
}
