// The write-ahead delivery lease: the engine asks for an allowance of steps ahead of delivery, the daemon
// journals it durably, and only then does the supervisor let steps through up to it (HAZ-010, HAZ-014).
//
// Why: checkpoints are written off the control path, so after a crash the last checkpoint may lag the motor by
// more than one interval if the journal was slow. With the lease, what the motor can have delivered is bounded
// by a number that was on disk before the steps were taken, whatever the journal's lag.
//
// Sizing: a lease covers `leaseWindow` at the session's capped step rate plus the rate limiter's burst, and is
// renewed when less than half of it is left, so an infusion at the capped rate never waits on the journal as long
// as one durable write takes less than half the window. The price is the stated uncertainty after a crash: up to
// one window at the capped rate, and no more.
import Foundation
import PumpCore

/// Durably records a delivery allowance before the supervisor may use it.
public protocol DeliveryLeaseRecorder: AnyObject, Sendable {
    /// Records durably that delivery may reach `ceiling` net steps (with `delivered` steps counted now), then
    /// calls `completion(true)` on any thread; calls `completion(false)` if it could not be recorded.
    func recordLease(delivered: Steps, ceiling: Steps, completion: @escaping @Sendable (Bool) -> Void)
}

/// The sizing rule of a lease.
public struct DeliveryLeasePolicy: Sendable, Equatable {
    /// Steps one lease covers beyond the current count.
    public var windowSteps: Int64

    /// A window of `window` at `cappedRate`, plus `burst` steps, at least one step.
    public init(window: MonotonicDuration, cappedRate: StepsPerSecond, burst: Double) {
        windowSteps = max(1, CheckedConversion.saturating(cappedRate.value * window.seconds, .up) + CheckedConversion.saturating(burst, .up))
    }

    /// The next ceiling to request, or nil while more than half a window is left.
    /// Never beyond `cap` (the session's total-step cap).
    public func renewal(delivered: Steps, ceiling: Steps, cap: Steps) -> Steps? {
        guard ceiling.count - delivered.count < (windowSteps + 1) / 2 else { return nil }
        let next = min(delivered.count + windowSteps, cap.count)
        return next > ceiling.count ? Steps(next) : nil
    }
}
