// Calendar dates for history and reports ("2025-01-31", "2025-01-31 14:05"), in a given time zone.
import Foundation

/// Formats wall-clock dates for people.
public enum DateText {
    /// "2025-01-31"
    public static func day(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// "2025-01-31 14:05"
    public static func dayAndTime(_ date: Date, timeZone: TimeZone) -> String {
        day(date, timeZone: timeZone) + " " + QuantityFormat.clock(date, timeZone: timeZone)
    }

    /// "2025-01-31 14:05:07 CET" (the zone's abbreviation, or its UTC offset).
    public static func full(_ date: Date, timeZone: TimeZone) -> String {
        day(date, timeZone: timeZone) + " " + QuantityFormat.clockWithSeconds(date, timeZone: timeZone)
            + " " + (timeZone.abbreviation(for: date) ?? timeZone.identifier)
    }
}
