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
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "--" }
        let text = String(format: "%.\(decimals)f", value)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// Whether a duration is shown rounded down (time elapsed) or up (time remaining: never "00:00" while
    /// something is still to run).
    public enum Rounding: Sendable {
        case down, up
    }

    /// "mm:ss" below one hour, "h:mm:ss" from one hour; "--:--" when negative or not finite.
    public static func duration(seconds: Double, rounding: Rounding) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e7 else { return "--:--" }
        let whole = Int(rounding == .down ? seconds.rounded(.down) : seconds.rounded(.up))
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
