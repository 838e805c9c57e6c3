// The injectable time source. The control loop, step emitter and supervisor watchdog ask a `PumpScheduler`
// for the time and for callbacks at absolute monotonic instants. The daemon uses a Dispatch-backed scheduler
// on CLOCK_MONOTONIC; tests use `VirtualScheduler`, which runs a 40-minute infusion in milliseconds.
import Foundation

/// A source of monotonic time.
public protocol MonotonicClock: AnyObject, Sendable {
    /// The current monotonic instant.
    func now() -> MonotonicInstant
}

/// A handle to a scheduled callback. Cancelling is idempotent and safe from the callback itself.
public protocol ScheduledTask: AnyObject {
    /// Prevents the callback from running if it has not run yet.
    func cancel()
}

/// Runs callbacks at absolute monotonic instants, one at a time, in instant order (a serial executor).
///
/// Callbacks may fire late (never early); a late fire is reported through `now()` being past the deadline,
/// and callers catch up against absolute time instead of accumulating the lateness.
public protocol PumpScheduler: MonotonicClock {
    /// Schedules `action` to run once at (or after) `deadline`.
    @discardableResult
    func schedule(at deadline: MonotonicInstant, _ action: @escaping () -> Void) -> ScheduledTask
    /// Runs `action` on the scheduler's executor as soon as possible (used to hand commands to the loop).
    func perform(_ action: @escaping () -> Void)
}
