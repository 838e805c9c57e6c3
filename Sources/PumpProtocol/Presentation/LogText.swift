// The human text of `pumpctl log`.
import Foundation

/// Renders journal entries one per line.
public enum LogText {
    /// "2025-01-31 14:05:03  #12  start       Started ketamine 35.00 mg over 40 min."
    public static func render(_ entries: [LogEntryDTO], timeZone: TimeZone) -> String {
        guard !entries.isEmpty else { return "No log entries." }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return entries.map { entry in
            let day = calendar.dateComponents([.year, .month, .day], from: entry.at)
            let date = String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
            let time = QuantityFormat.clockWithSeconds(entry.at, timeZone: timeZone)
            let event = entry.event.padding(toLength: max(12, entry.event.count), withPad: " ", startingAt: 0)
            return "\(date) \(time)  #\(entry.seq)  \(event) \(entry.message)"
        }.joined(separator: "\n")
    }
}
