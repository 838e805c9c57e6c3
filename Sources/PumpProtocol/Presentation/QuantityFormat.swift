// How every number reaches a nurse: fixed precision, units always shown, never "-0.00", never "nan".
import Foundation

/// Formats quantities and durations for human output.
///
/// Precision: mg, mL, mL/h, mg/kg, mg/kg/h and mg/mL with 2 decimals, kg with 1 decimal. A value that is not
/// finite prints as "--" with its unit, so a broken number is visible rather than plausible.
public enum QuantityFormat {
    /// "12.34 mg"
    public static func mg(_ value: Double) -> String { fixed(value, 2) + " mg" }
    /// "12.34 mL"
    public static func ml(_ value: Double) -> String { fixed(value, 2) + " mL" }
    /// "52.50 mL/h"
    public static func mlPerH(_ value: Double) -> String { fixed(value, 2) + " mL/h" }
    /// "0.75 mg/kg/h"
    public static func mgPerKgPerH(_ value: Double) -> String { fixed(value, 2) + " mg/kg/h" }
    /// "0.50 mg/kg"
    public static func mgPerKg(_ value: Double) -> String { fixed(value, 2) + " mg/kg" }
    /// "1.00 mg/mL"
    public static func mgPerMl(_ value: Double) -> String { fixed(value, 2) + " mg/mL" }
    /// "70.0 kg"
    public static func kg(_ value: Double) -> String { fixed(value, 1) + " kg" }
    /// "40 min" or "40.5 min"
    public static func minutes(_ value: Double) -> String {
        guard value.isFinite else { return "-- min" }
        return (value.rounded() == value ? String(Int(value)) : fixed(value, 1)) + " min"
    }

    /// A fixed-point number with `decimals` digits, "--" when not finite, and no negative zero.
    ///
    /// Rounding works on the shortest decimal form of the value (what the nurse typed: 2.675, not
    /// 2.67499999… in binary), with ties away from zero (0.125 → "0.13", as rounded by hand), not to even as
    /// printf does. `.up` rounds towards +infinity, for upper bounds such as an uncertainty, after first
    /// dropping binary noise below 10⁻⁶ (so 0.1 + 0.2 shows as 0.30, not 0.31).
    public static func fixed(_ value: Double, _ decimals: Int, rounding: Rounding = .nearest) -> String {
        guard value.isFinite else { return "--" }
        var rounded = value
        // Beyond 10¹⁵ there are no fractional digits left to round (and Decimal's range ends near 10¹⁶⁵).
        if abs(value) < 1e15, var decimal = Decimal(string: String(value)) {
            if rounding == .up { decimal = round(decimal, 6, .plain) }
            rounded = NSDecimalNumber(decimal: round(decimal, decimals, rounding.decimalMode)).doubleValue
        }
        let text = String(format: "%.\(decimals)f", rounded.isFinite ? rounded : value)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    private static func round(_ value: Decimal, _ scale: Int, _ mode: NSDecimalNumber.RoundingMode) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, mode)
        return result
    }

    /// How a value is rounded for display. Durations use `.down` (time elapsed) or `.up` (time remaining:
    /// never "00:00" while something is still to run); amounts use `.nearest`, upper bounds `.up`.
    public enum Rounding: Sendable {
        case down, up, nearest

        var rule: FloatingPointRoundingRule {
            switch self {
            case .down: .down
            case .up: .up
            case .nearest: .toNearestOrAwayFromZero
            }
        }

        var decimalMode: NSDecimalNumber.RoundingMode {
            switch self {
            case .down: .down
            case .up: .up
            case .nearest: .plain
            }
        }
    }

    /// "mm:ss" below one hour, "h:mm:ss" from one hour; "--:--" when negative or not finite.
    public static func duration(seconds: Double, rounding: Rounding) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e7 else { return "--:--" }
        let whole = Int(seconds.rounded(rounding.rule))
        let hours = whole / 3600
        let minutes = (whole % 3600) / 60
        let secs = whole % 60
        if hours > 0 { return String(format: "%d:%02d:%02d", hours, minutes, secs) }
        return String(format: "%02d:%02d", minutes, secs)
    }

    /// Local wall-clock time "14:45" in `timeZone`.
    public static func clock(_ date: Date, timeZone: TimeZone) -> String {
        clockFormat(date, timeZone: timeZone, withSeconds: false)
    }

    /// Local wall-clock time "14:45:07" in `timeZone`.
    public static func clockWithSeconds(_ date: Date, timeZone: TimeZone) -> String {
        clockFormat(date, timeZone: timeZone, withSeconds: true)
    }

    private static func clockFormat(_ date: Date, timeZone: TimeZone, withSeconds: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        let hour = parts.hour ?? 0
        let minute = parts.minute ?? 0
        if withSeconds { return String(format: "%02d:%02d:%02d", hour, minute, parts.second ?? 0) }
        return String(format: "%02d:%02d", hour, minute)
    }

    /// Whole percent delivered, rounded down and clamped to 0...100; nil when there is no target.
    public static func percent(delivered: Double, target: Double) -> Int? {
        guard target > 0, target.isFinite, delivered.isFinite else { return nil }
        return Int(min(100, max(0, (delivered / target * 100).rounded(.down))))
    }
}
