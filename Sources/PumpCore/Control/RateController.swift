// Closed-loop titration on delivered volume.
//
// At every control tick:   rate = remaining steps ÷ time left to the planned end,
// clamped to min(rate hard cap, nominal rate × catch-up factor). The loop closes on COUNTED steps (what the
// supervisor's gate let through), so lost time (a pause, a late timer) is made up at most at the catch-up
// rate, and never faster than the hard cap. When the clamp binds, the planned end cannot be met and the
// expected end moves later: `expectedEnd = now + remaining ÷ clamped rate`. The planned end itself only
// changes by an explicit titration.
import Foundation

/// What the controller needs from a dose plan, in motor units and monotonic time.
public struct InfusionTarget: Sendable, Equatable {
    /// Net steps to deliver in the session (already rounded down from the volume).
    public var targetSteps: Steps
    /// When delivery should end (start + planned duration; moved only by titration).
    public var plannedEnd: MonotonicInstant
    /// The plan's nominal rate for the remaining part.
    public var nominalRate: StepsPerSecond
    /// How much faster than nominal the controller may run to make up lost time (e.g. 1.1).
    public var catchUpFactor: Double
    /// The controller's own copy of the hard rate cap (the supervisor enforces its own copy too).
    public var rateCap: StepsPerSecond

    /// Creates a target.
    public init(targetSteps: Steps, plannedEnd: MonotonicInstant, nominalRate: StepsPerSecond,
                catchUpFactor: Double, rateCap: StepsPerSecond) {
        self.targetSteps = targetSteps
        self.plannedEnd = plannedEnd
        self.nominalRate = nominalRate
        self.catchUpFactor = catchUpFactor
        self.rateCap = rateCap
    }

    /// The most the controller may command: min(hard cap, nominal × catch-up).
    public var maximumRate: StepsPerSecond {
        StepsPerSecond(min(rateCap.value, nominalRate.value * max(1, catchUpFactor)))
    }
}

/// One control decision.
public struct RateDecision: Sendable, Equatable {
    /// Which limit, if any, shaped the rate.
    public enum Limit: String, Sendable { case none, catchUp, hardCap }
    /// The rate to command until the next tick.
    public var rate: StepsPerSecond
    /// When delivery is now expected to end.
    public var expectedEnd: MonotonicInstant
    /// The binding limit.
    public var limitedBy: Limit
}

/// Pure closed-loop rate computation.
public enum RateController {
    /// Decides the rate at `now` given the steps already counted.
    public static func decide(_ target: InfusionTarget, delivered: Steps, now: MonotonicInstant) -> RateDecision {
        let remaining = Double(target.targetSteps.count - delivered.count)
        guard remaining > 0 else { return RateDecision(rate: .zero, expectedEnd: now, limitedBy: .none) }
        let ceiling = target.maximumRate.value
        guard ceiling > 0 else { return RateDecision(rate: .zero, expectedEnd: .init(nanoseconds: .max), limitedBy: .hardCap) }
        let timeLeft = (target.plannedEnd - now).seconds
        let wanted = timeLeft > 0 ? remaining / timeLeft : .infinity
        if wanted <= ceiling {
            return RateDecision(rate: StepsPerSecond(wanted), expectedEnd: target.plannedEnd, limitedBy: .none)
        }
        let limit: RateDecision.Limit = target.rateCap.value <= target.nominalRate.value * target.catchUpFactor ? .hardCap : .catchUp
        return RateDecision(rate: StepsPerSecond(ceiling), expectedEnd: now + .seconds(remaining / ceiling), limitedBy: limit)
    }
}
