// A token bucket over monotonic time: tokens accrue at the capped step rate up to `burst`; each step takes
// one. It bounds both the instantaneous rate (a burst can never exceed `burst` steps) and the delivered
// amount over any interval T (at most rate·T + burst steps) — the supervisor's "most that may have been
// delivered by now" envelope. The bucket only fills while the motor is armed.
import Foundation

struct StepRateLimiter: Sendable {
    private(set) var tokens: Double
    let rate: Double
    let burst: Double
    private var lastRefill: MonotonicInstant

    init(rate: StepsPerSecond, burst: Double, now: MonotonicInstant) {
        self.rate = rate.value
        self.burst = max(1, burst)
        self.tokens = max(1, burst)
        self.lastRefill = now
    }

    /// Restarts accrual at `now` (after a pause, so idle time does not bank tokens).
    mutating func restart(at now: MonotonicInstant) {
        tokens = min(tokens, 1)
        lastRefill = now
    }

    /// Takes one token if available.
    mutating func take(at now: MonotonicInstant) -> Bool {
        refill(at: now)
        guard tokens >= 1 - 1e-9 else { return false }
        tokens -= 1
        return true
    }

    /// Whole steps that may be taken at `now` without exceeding the envelope.
    mutating func available(at now: MonotonicInstant) -> Int64 {
        refill(at: now)
        return CheckedConversion.saturating(tokens + 1e-9, .down)
    }

    private mutating func refill(at now: MonotonicInstant) {
        if now > lastRefill {
            tokens = min(burst, tokens + (now - lastRefill).seconds * rate)
            lastRefill = now
        }
    }
}
