// The one way a Double becomes an integer anywhere a request's number can reach (safety kernel v2 item 4).
//
// Swift's `Int64(x)` traps when x is NaN, infinite or beyond ±9.2e18 — a finite Double such as 1e-14 mg/mL can
// divide its way there (35 mg at 1e-14 mg/mL is 3.5e15 mL, 1.6e19 steps) and crash pumpd mid-infusion. These
// helpers never trap: they saturate at a bound that leaves head-room for sums (so `instant + duration` cannot
// overflow either) and map NaN to zero. A saturated count is always smaller than the true one, so rounding still
// goes toward less drug; the request bounds and the drug library's limits refuse such values long before this.
import Foundation

/// Non-trapping Double → integer conversions.
public enum CheckedConversion {
    /// The largest magnitude a count of steps may take: 2^53, the largest integer a Double holds exactly.
    public static let maxCount: Int64 = 1 << 53
    /// The largest magnitude of a duration in nanoseconds: 2^61 ns (73 years), so four of them still add up.
    public static let maxNanoseconds: Int64 = 1 << 61

    /// `value` rounded by `rule`, clamped to ±`bound`; NaN becomes 0.
    public static func saturating(_ value: Double, _ rule: FloatingPointRoundingRule, bound: Int64 = maxCount) -> Int64 {
        guard !value.isNaN else { return 0 }
        let rounded = value.rounded(rule)
        if rounded >= Double(bound) { return bound }
        if rounded <= -Double(bound) { return -bound }
        // The clamp above makes this exact and in range: cannot trap.
        return Int64(rounded)  // checked: clamped to ±bound just above
    }

    /// `value` rounded by `rule` as an `Int`, clamped to ±`maxCount`; NaN becomes 0 (display, indexing).
    public static func int(_ value: Double, _ rule: FloatingPointRoundingRule = .towardZero) -> Int {
        Int(truncatingIfNeeded: saturating(value, rule))
    }

    /// `value` rounded by `rule`, or nil when it is not finite or beyond ±`maxCount` (where refusing is right).
    public static func exactly(_ value: Double, _ rule: FloatingPointRoundingRule) -> Int64? {
        guard value.isFinite, abs(value.rounded(rule)) < Double(maxCount) else { return nil }
        return saturating(value, rule)
    }
}
