// ISO-8601 wall-clock times as used on the wire.
//
// Times travel with at most millisecond precision: a parsed time is put on the millisecond grid (nearest),
// and a time is written with ".mmm" only when it has a fraction. So decode → encode → decode gives the same
// instant (the protocol fuzzer found `log --since` losing its fraction when the encoder wrote whole seconds).
import Foundation

/// Parses and formats ISO-8601 timestamps ("2025-01-31T14:05:00Z", offsets and fractional seconds accepted).
public enum ISO8601 {
    /// Parses an ISO-8601 date-time with a zone designator, with or without fractional seconds, to the
    /// nearest millisecond.
    public static func parse(_ text: String) -> Date? {
        let parsed = (try? Date(text, strategy: Date.ISO8601FormatStyle()))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        return parsed.map(onMillisecondGrid)
    }

    /// Formats a date in UTC as "2025-01-31T14:05:00Z" (the form the encoder writes), or
    /// "2025-01-31T14:05:00.250Z" when it has a fraction of a second (rounded to the nearest millisecond).
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSinceReferenceDate
        var whole = seconds.rounded(.down)
        var milliseconds = ((seconds - whole) * 1000).rounded()
        if milliseconds >= 1000 {
            whole += 1
            milliseconds = 0
        }
        let text = Date(timeIntervalSinceReferenceDate: whole).formatted(Date.ISO8601FormatStyle())
        guard milliseconds > 0, text.hasSuffix("Z") else { return text }
        return text.dropLast() + "." + String(Int(milliseconds) + 1000).dropFirst() + "Z"  // checked: 0 < milliseconds < 1000, tested above
    }

    /// The nearest instant on the millisecond grid.
    static func onMillisecondGrid(_ date: Date) -> Date {
        Date(timeIntervalSinceReferenceDate: (date.timeIntervalSinceReferenceDate * 1000).rounded() / 1000)
    }
}
