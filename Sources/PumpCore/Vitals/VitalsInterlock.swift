// The vital-sign interlock as pure functions and one small state value (HAZ-015).
//
// Rules (limits from `VitalSignThresholds`, per drug):
//  - Before start: the latest reading counts only if it is fresh (younger than `staleAfter`). A fresh reading
//    with SBP ≥ pre-start systolic or DBP ≥ pre-start diastolic — or past any pause limit — is a soft-limit
//    finding: the program needs an override reason (the planner's existing override path). No fresh reading
//    is a warning.
//  - During an infusion (running, paused or in alarm): a reading with SBP ≥ pause systolic, DBP ≥ pause diastolic,
//    HR ≥ pause heart rate or SpO2 < pause SpO2 latches `vitals-out-of-range` (high): motor off, state alarm.
//    Acknowledging it is refused while the LATEST reading is still out of range (condition not gone);
//    resuming is a separate command. Nothing resumes by itself.
//  - Staleness: while a session is open and the newest reading (or the session start, whichever is later) is
//    older than `staleAfter`, a medium `vitals-stale` reminder is raised; after an acknowledgement it comes
//    back one interval later; a fresh reading clears it.
import Foundation

/// Which vital sign a breach is about.
public enum VitalSign: String, Sendable, Hashable, Codable, CaseIterable {
    case systolic
    case diastolic
    case heartRate = "heart-rate"
    case oxygenSaturation = "spo2"
}

/// One vital sign outside one limit.
public struct VitalsBreach: Sendable, Hashable, CustomStringConvertible {
    /// The sign.
    public var sign: VitalSign
    /// The measured value (in the sign's unit: mmHg, bpm, %).
    public var value: Double
    /// The limit crossed (same unit).
    public var limit: Double
    /// Stable limit id, e.g. "vitals.pause-systolic" (also the finding's limit before start).
    public var limitID: String
    /// One sentence naming the sign, the value and the limit.
    public var message: String

    public var description: String { message }
}

/// The interlock's pure decisions.
public enum VitalsInterlock {
    static let signOffNote = "default limit, needs clinical sign-off"

    private static func note(_ thresholds: VitalSignThresholds) -> String {
        thresholds.clinicallySignedOff ? "" : " (\(signOffNote))"
    }

    /// The pause limits `vitals` crosses (empty when none).
    public static func pauseBreaches(_ vitals: VitalSigns, _ t: VitalSignThresholds) -> [VitalsBreach] {
        var breaches: [VitalsBreach] = []
        let n = note(t)
        if vitals.systolic >= t.pauseSystolic {
            breaches.append(VitalsBreach(sign: .systolic, value: vitals.systolic.value, limit: t.pauseSystolic.value, limitID: LimitID.vitalsPauseSystolic,
                message: "Systolic pressure \(vitals.systolic.value.plain(0)) mmHg is at or above the pause limit of \(t.pauseSystolic.value.plain(0)) mmHg\(n)."))
        }
        if vitals.diastolic >= t.pauseDiastolic {
            breaches.append(VitalsBreach(sign: .diastolic, value: vitals.diastolic.value, limit: t.pauseDiastolic.value, limitID: LimitID.vitalsPauseDiastolic,
                message: "Diastolic pressure \(vitals.diastolic.value.plain(0)) mmHg is at or above the pause limit of \(t.pauseDiastolic.value.plain(0)) mmHg\(n)."))
        }
        if vitals.heartRate >= t.pauseHeartRate {
            breaches.append(VitalsBreach(sign: .heartRate, value: vitals.heartRate.value, limit: t.pauseHeartRate.value, limitID: LimitID.vitalsPauseHeartRate,
                message: "Heart rate \(vitals.heartRate.value.plain(0)) bpm is at or above the pause limit of \(t.pauseHeartRate.value.plain(0)) bpm\(n)."))
        }
        if vitals.oxygenSaturation < t.pauseOxygenSaturationBelow {
            breaches.append(VitalsBreach(sign: .oxygenSaturation, value: vitals.oxygenSaturation.value, limit: t.pauseOxygenSaturationBelow.value,
                limitID: LimitID.vitalsPauseOxygenSaturation,
                message: "SpO2 \(vitals.oxygenSaturation.value.plain(0)) % is below the pause limit of \(t.pauseOxygenSaturationBelow.value.plain(0)) %\(n)."))
        }
        return breaches
    }

    /// The pre-start limits `vitals` crosses: BP at or above the pre-start limits, and any pause limit.
    public static func preStartBreaches(_ vitals: VitalSigns, _ t: VitalSignThresholds) -> [VitalsBreach] {
        var breaches: [VitalsBreach] = []
        let n = note(t)
        if vitals.systolic >= t.preStartSystolic || vitals.diastolic >= t.preStartDiastolic {
            let value = vitals.systolic >= t.preStartSystolic ? vitals.systolic.value : vitals.diastolic.value
            breaches.append(VitalsBreach(
                sign: vitals.systolic >= t.preStartSystolic ? .systolic : .diastolic, value: value,
                limit: vitals.systolic >= t.preStartSystolic ? t.preStartSystolic.value : t.preStartDiastolic.value,
                limitID: LimitID.vitalsPreStartBloodPressure,
                message: "Blood pressure \(vitals.systolic.value.plain(0))/\(vitals.diastolic.value.plain(0)) mmHg is at or above the pre-start limit of \(t.preStartSystolic.value.plain(0))/\(t.preStartDiastolic.value.plain(0)) mmHg\(n); an override reason is required."))
        }
        breaches += pauseBreaches(vitals, t).filter { $0.sign == .heartRate || $0.sign == .oxygenSaturation }
        return breaches
    }

    /// Whether `vitals` is younger than the staleness interval at `now`.
    public static func isFresh(_ vitals: VitalSigns, now: MonotonicInstant, _ t: VitalSignThresholds) -> Bool {
        now - vitals.measuredAt < MonotonicDuration(t.staleAfter) && vitals.measuredAt <= now
    }

    /// The findings the pre-start check adds to a program: soft limits (override reason needed) for a fresh
    /// reading past a limit, a warning when there is no fresh reading.
    public static func preStartFindings(latest: VitalSigns?, now: MonotonicInstant, _ t: VitalSignThresholds) -> [Finding] {
        guard let latest, isFresh(latest, now: now, t) else {
            let age = latest.map { " (the last reading is \(CheckedConversion.int((now - $0.measuredAt).seconds / 60)) min old)" } ?? ""
            return [Finding(kind: .warning, limit: LimitID.vitalsMissing,
                            message: "No vital signs from the last \(t.staleAfter.value.plain(0)) min\(age); enter them with pumpctl vitals before starting.")]
        }
        return preStartBreaches(latest, t).map { breach in
            Finding(kind: .softLimit, limit: breach.limitID,
                    message: breach.limitID == LimitID.vitalsPreStartBloodPressure ? breach.message
                        : breach.message.dropLast() + "; an override reason is required.")
        }
    }
}

/// The interlock's state during a session: the newest reading and the staleness reminder bookkeeping.
public struct VitalsWatch: Sendable, Hashable {
    /// The limits in force.
    public var thresholds: VitalSignThresholds
    /// The newest reading, if any.
    public private(set) var latest: VitalSigns?
    private var lastStaleReminder: MonotonicInstant?

    /// A watch with no reading yet.
    public init(thresholds: VitalSignThresholds, latest: VitalSigns? = nil) {
        self.thresholds = thresholds
        self.latest = latest
    }

    /// Records a reading (readings older than the newest are kept out) and returns its pause breaches.
    public mutating func record(_ vitals: VitalSigns) -> [VitalsBreach] {
        if let latest, vitals.measuredAt < latest.measuredAt { return VitalsInterlock.pauseBreaches(vitals, thresholds) }
        latest = vitals
        lastStaleReminder = nil
        return VitalsInterlock.pauseBreaches(vitals, thresholds)
    }

    /// The pause breaches of the newest reading (the condition of a latched `vitals-out-of-range`).
    public var persistingBreaches: [VitalsBreach] {
        latest.map { VitalsInterlock.pauseBreaches($0, thresholds) } ?? []
    }

    /// Whether a staleness reminder is due at `now` for a session that started at `sessionStart`; marks it
    /// raised when it is. Due when the newest reading (or the session start, if later) is at least
    /// `staleAfter` old, and again one interval after the previous reminder.
    public mutating func staleReminderDue(now: MonotonicInstant, sessionStart: MonotonicInstant) -> MonotonicDuration? {
        let interval = MonotonicDuration(thresholds.staleAfter)
        let newest = max(latest?.measuredAt ?? sessionStart, sessionStart)
        let reference = max(lastStaleReminder ?? newest, newest)
        guard now - newest >= interval, lastStaleReminder == nil || now - reference >= interval else { return nil }
        lastStaleReminder = now
        return now - (latest?.measuredAt ?? sessionStart)
    }

    /// Forgets the reminder bookkeeping (a new session starts).
    public mutating func resetReminders() { lastStaleReminder = nil }
}
