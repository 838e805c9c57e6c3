// The set of latched (delivery-stopping) alarms.
//
// Invariants: an alarm code is latched at most once; a latched alarm leaves only through `clear`, which the
// supervisor calls only after its acknowledge rule passed (every blocking input clear); restored alarms (from
// the journal after a restart) keep their original wall time and are marked as from before the restart.
// Not thread-safe: the supervisor owns it and calls it with its lock held.
import Foundation

/// Latched alarms, oldest first.
struct AlarmLatch {
    private(set) var alarms: [Alarm] = []

    var isEmpty: Bool { alarms.isEmpty }

    /// Whether `code` is latched.
    func contains(_ code: AlarmCode) -> Bool { alarms.contains { $0.code == code } }

    /// Latches a new alarm; returns it, or nil when the code was already latched.
    mutating func latch(_ code: AlarmCode, _ message: String, at now: MonotonicInstant) -> Alarm? {
        guard !contains(code) else { return nil }
        let alarm = Alarm(code: code, message: message, raisedAt: now)
        alarms.append(alarm)
        return alarm
    }

    /// Restores alarms found latched in the journal (codes already latched are kept as they are).
    mutating func restore(_ restored: [Alarm]) {
        for alarm in restored where !contains(alarm.code) { alarms.append(alarm) }
    }

    /// The latched alarms an acknowledge of `code` (nil: all) would clear.
    func targets(of code: AlarmCode?) -> [Alarm] { alarms.filter { code == nil || $0.code == code } }

    /// Removes `codes`.
    mutating func clear(_ codes: [AlarmCode]) { alarms.removeAll { codes.contains($0.code) } }
}
