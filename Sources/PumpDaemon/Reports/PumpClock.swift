// Pump time for reports: seconds since the session opened, from the monotonic clock the records carry.
//
// Monotonic instants are only comparable within one boot of the daemon (and, in the simulator, they run at the
// simulation speed, which is what a chart of a simulated 40-minute infusion should show). Records are mapped in
// journal order: while the monotonic time does not go backwards, t = mono − mono(open); when it does (the
// daemon restarted and its clock began again), the new segment continues from the previous point plus the
// wall-clock gap. The wall clock is used only for that gap, never for control (HAZ-012).
import Foundation
import PumpCore

/// Maps (monotonic, wall) pairs of one session, visited in journal order, to pump seconds since the opening.
struct PumpClock {
    private var offset: Double = 0
    private var base: MonotonicInstant
    private var last: (monotonic: MonotonicInstant, wall: Date, t: Double)

    /// Starts at the session's opening.
    init(openMonotonic: MonotonicInstant, openWall: Date) {
        base = openMonotonic
        last = (openMonotonic, openWall, 0)
    }

    /// The pump time of the next record in journal order; never earlier than the previous one.
    mutating func seconds(monotonic: MonotonicInstant, wall: Date) -> Double {
        if monotonic < last.monotonic {
            // A new boot: continue from the previous point, across the wall-clock gap.
            offset = last.t + max(0, wall.timeIntervalSince(last.wall))  // wall-clock: report time axis across reboots, display only
            base = monotonic
        }
        let t = max(last.t, offset + (monotonic - base).seconds)
        last = (monotonic, wall, t)
        return t
    }
}
