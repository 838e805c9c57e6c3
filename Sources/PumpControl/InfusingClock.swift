// The one "infusing elapsed" clock (safety kernel v2 item 3): monotonic time spent in `running`, pauses, alarms
// and interruptions excluded. The planner (titration), the engine (a titration's planned end), status and the
// journal's checkpoints all use it, so "elapsed" means one thing everywhere. It is a duration, valid across
// boots: a recovery restores it from the last checkpoint, never from a wall-clock difference (HAZ-012).
import Foundation
import PumpCore

/// Accumulates time spent infusing.
struct InfusingClock: Sendable, Equatable {
    private var accumulated: MonotonicDuration = .zero
    private var runningSince: MonotonicInstant?

    /// Starts over at `elapsed` (a new session: zero; a recovery: the journaled value), not running.
    mutating func reset(to elapsed: MonotonicDuration = .zero) {
        accumulated = elapsed
        runningSince = nil
    }

    /// Follows the pump state: counts while `running`, holds otherwise.
    mutating func follow(_ state: PumpState, at now: MonotonicInstant) {
        if state == .running {
            if runningSince == nil { runningSince = now }
        } else if let since = runningSince {
            accumulated = accumulated + (now - since)
            runningSince = nil
        }
    }

    /// Infusing time up to `now`.
    func elapsed(at now: MonotonicInstant) -> MonotonicDuration {
        accumulated + (runningSince.map { now - $0 } ?? .zero)
    }
}
