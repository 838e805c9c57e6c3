// Parsing `pumpctl log --since`: an ISO-8601 time or a duration back from now.
import Foundation

/// Parses the `--since` value: "2025-01-31T14:05:00Z", "30m", "2h", "90s", "1d", "1h30m".
public enum SinceArgument {
    /// The sentence shown for an unreadable value.
    public static let usage = "--since must be an ISO-8601 time such as 2025-01-31T14:05:00Z or a duration such as 30m, 2h or 1h30m."

    /// The absolute time meant by `text`, relative to `now`; nil when it is not a valid value.
    public static func parse(_ text: String, now: Date) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = ISO8601.parse(trimmed) { return date }
        guard let seconds = durationSeconds(trimmed) else { return nil }
        return now.addingTimeInterval(-seconds)
    }

    /// Seconds in a duration made of `<number><unit>` parts (units s, m, h, d), each unit at most once,
    /// largest first; nil when malformed or longer than 366 days.
    public static func durationSeconds(_ text: String) -> Double? {
        let units: [(Character, Double)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        var total = 0.0
        var digits = ""
        var nextUnit = 0
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                guard digits.count <= 6 else { return nil }
                continue
            }
            guard !digits.isEmpty, let number = Double(digits),
                  let position = units[nextUnit...].firstIndex(where: { $0.0 == character }) else { return nil }
            total += number * units[position].1
            nextUnit = position + 1
            digits = ""
            if nextUnit > units.count { return nil }
        }
        guard digits.isEmpty, nextUnit > 0, total <= 366 * 86_400 else { return nil }
        return total
    }
}
