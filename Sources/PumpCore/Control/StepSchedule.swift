// Absolute-time step schedule with a continuous phase.
//
// The plunger's commanded position is a piecewise-linear function of monotonic time:
//     position(t) = anchorPosition + rate × (t − anchorTime)      (in steps, fractional)
// Step k is due at the instant position crosses k. A rate change re-anchors at the current position, so the
// fractional phase carries over and no rounding accumulates across control ticks. Because due times are
// computed from the anchor (never from when the last step actually fired), timer lateness never
// accumulates: a late fire finds the steps that are due and emits them, bounded by `maxBurst` per fire; the
// rest follow at the capped rate's spacing. `limit` is the session target: the schedule never goes past it.
import Foundation

/// The emitter's step schedule (pure, deterministic).
public struct StepSchedule: Sendable, Equatable {
    /// Time of the last re-anchoring.
    public private(set) var anchorTime: MonotonicInstant
    /// Fractional position at the anchor.
    public private(set) var anchorPosition: Double
    /// Current rate.
    public private(set) var rate: StepsPerSecond
    /// The position never commanded past this count.
    public var limit: Steps

    /// Starts a schedule at `position` steps (whole) at `time`.
    public init(at time: MonotonicInstant, position: Steps, rate: StepsPerSecond, limit: Steps) {
        anchorTime = time
        anchorPosition = Double(position.count)
        self.rate = rate
        self.limit = limit
    }

    /// The commanded fractional position at `time` (never beyond `limit`).
    public func position(at time: MonotonicInstant) -> Double {
        let raw = anchorPosition + rate.value * max(0, (time - anchorTime).seconds)
        return min(raw, Double(limit.count))
    }

    /// Changes the rate from `time` on, keeping the position continuous.
    public mutating func retarget(rate newRate: StepsPerSecond, at time: MonotonicInstant) {
        anchorPosition = position(at: time)
        anchorTime = max(time, anchorTime)
        rate = newRate
    }

    /// Pulls the phase back so that the commanded position is at most `maxLead` steps ahead of `emitted`
    /// (after a refused step or a long stall, so that nothing is "owed" beyond a small burst).
    public mutating func limitLead(emitted: Steps, maxLead: Double, at time: MonotonicInstant) {
        let current = position(at: time)
        if current - Double(emitted.count) > maxLead {
            anchorPosition = Double(emitted.count) + maxLead
            anchorTime = time
        }
    }

    /// Whole steps due at `time` that have not been emitted.
    public func stepsDue(at time: MonotonicInstant, emitted: Steps) -> Int64 {
        max(0, CheckedConversion.saturating(position(at: time), .down) - emitted.count)
    }

    /// When the next step after `emitted` falls due, or nil when the rate is zero or the limit is reached.
    public func nextDue(after emitted: Steps) -> MonotonicInstant? {
        guard emitted < limit, rate.value > 0 else { return nil }
        let stepsAhead = Double(emitted.count + 1) - anchorPosition
        if stepsAhead <= 0 { return anchorTime }
        let delay = stepsAhead / rate.value
        // Round UP to the nanosecond so the step is never due before the position reaches it. `position` turns
        // nanoseconds back into seconds and multiplies by the rate, which can land a hair below the whole step
        // (100 steps/s, step 29: 290,000,000 ns → 28.999999999999996): the step would not be due at its own due
        // time and the emitter would re-arm the same instant forever (a hang in virtual time, a spin in real
        // time). So the instant is moved on by nanoseconds until the position really reaches the step.
        var due = anchorTime + MonotonicDuration(nanoseconds: CheckedConversion.saturating(delay * 1e9, .up,
                                                                                          bound: CheckedConversion.maxNanoseconds))
        let step = Double(emitted.count + 1)
        var nudges = 0
        while position(at: due) < step, nudges < 1_024 {
            due = due + MonotonicDuration(nanoseconds: 1)
            nudges += 1
        }
        return due
    }
}
