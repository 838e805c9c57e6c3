// ISO-8601 wall-clock times as used on the wire.
import Foundation

/// Parses and formats ISO-8601 timestamps ("2025-01-31T14:05:00Z", offsets and fractional seconds accepted).
public enum ISO8601 {
    /// Parses an ISO-8601 date-time with a zone designator, with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Formats a date in UTC as "2025-01-31T14:05:00Z" (the form the encoder writes).
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
