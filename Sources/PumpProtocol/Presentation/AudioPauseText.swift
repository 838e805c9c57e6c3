// How the alarm audio pause and escalation read in `status` and `watch`: "AUDIO PAUSED 1:43".
import Foundation

/// Text for the IEC 60601-1-8 audio pause and the escalation of an alarm.
public enum AudioPauseText {
    /// The latest end of an audio pause among `alarms` that is still in the future at `now`, or nil.
    public static func pausedUntil(_ alarms: [AlarmDTO], now: Date) -> Date? {
        alarms.compactMap(\.audioPausedUntil).filter { $0 > now }.max()
    }

    /// "1:43": the time left, rounded up to the second (a pause never looks over before it is).
    public static func countdown(until: Date, now: Date) -> String {
        let left = max(0, until.timeIntervalSince(now))  // wall-clock: display of a countdown the daemon computed
        let seconds = left < 86_400 ? Int(left.rounded(.up)) : 86_400  // checked: below 86 400 on this line
        return "\(seconds / 60):" + String(format: "%02d", seconds % 60)
    }

    /// "AUDIO PAUSED 1:43", or nil when no alarm's audio is paused at `now`.
    public static func banner(_ alarms: [AlarmDTO], now: Date) -> String? {
        pausedUntil(alarms, now: now).map { "AUDIO PAUSED \(countdown(until: $0, now: now))" }
    }

    /// The suffix for one alarm's status line: " (escalated)", " · audio paused until 14:05:00".
    public static func suffix(_ alarm: AlarmDTO, timeZone: TimeZone) -> String {
        var text = alarm.escalated ? " (escalated from medium)" : ""
        if let until = alarm.audioPausedUntil {
            text += " · audio paused until \(QuantityFormat.clockWithSeconds(until, timeZone: timeZone))"
        }
        return text
    }
}
