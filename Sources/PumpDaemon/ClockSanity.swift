// Wall-clock sanity across restarts (issue 11 item 9). An SBC without a real-time clock boots with its wall clock
// at the last shutdown or at 1970 until NTP answers, and a clinic network may never give it NTP. The wall clock
// decides only calendar matters (the 12 h repeat-dose rule, times shown to people), never control; but a clock
// behind the journal's newest record would make an earlier session look long ago. So at start-up pumpd compares
// the two: a clock behind the newest record (by more than a minute) or before this build's date is `clock-invalid`
// (medium), and the repeat-dose guard then fails closed: every earlier session of the patient counts as recent.
import Foundation

/// The verdict of the start-up clock check.
struct ClockSanity: Sendable, Equatable {
    /// The sentence saying why the wall clock is not trusted, or nil when it is.
    var problem: String?

    /// The earliest wall time this build can run at (a clock before it is certainly wrong).
    static let buildFloor = Date(timeIntervalSince1970: 1_764_547_200)   // 2025-12-01T00:00:00Z
    /// How far behind the newest record the clock may be (the record's own write takes time).
    static let tolerance: TimeInterval = 60

    /// Checks `now` against the newest journal record.
    static func check(now: Date, newestRecord: Date?) -> ClockSanity {
        if now < buildFloor {
            return ClockSanity(problem: "The wall clock reads \(ISO8601DateFormatter().string(from: now)), before this software was built; times are unverified and every earlier session counts as recent for the repeat-dose rule.")
        }
        if let newest = newestRecord, now < newest.addingTimeInterval(-tolerance) {
            return ClockSanity(problem: "The wall clock (\(ISO8601DateFormatter().string(from: now))) is behind the journal's newest record (\(ISO8601DateFormatter().string(from: newest))); times are unverified and every earlier session counts as recent for the repeat-dose rule.")
        }
        return ClockSanity(problem: nil)
    }

    /// A wall clock for bench tests of this check: `PUMPD_SIM_WALL_CLOCK_OFFSET_S` shifts it, honoured only with the
    /// simulator backend (the packaged service runs `--backend gpiod`, where the variable is ignored).
    static func wallClock(environment: [String: String], simulator: Bool) -> @Sendable () -> Date {
        guard simulator, let text = environment["PUMPD_SIM_WALL_CLOCK_OFFSET_S"], let offset = Double(text), offset.isFinite,
              abs(offset) < 1e10 else { return { Date() } }  // wall-clock: the one real source
        return { Date().addingTimeInterval(offset) }  // wall-clock: a bench test's shifted clock
    }
}
