// Driver-interface timing as pure logic (clinical-reference §5, safe for A4988, DRV8825 and TMC2209):
//   STEP high             >= 2 µs   -> we hold it 5 µs (`stepHighTime`), busy-waiting on CLOCK_MONOTONIC
//   STEP low              >= 2 µs   -> a step starts no earlier than 2 µs after the previous one ended
//   DIR set-up before STEP >= 1 µs  -> a step starts no earlier than 1 µs after DIR last changed
//   DIR hold after STEP   >= 1 µs   -> DIR changes no earlier than 1 µs after the last STEP falling edge
//   ENABLE (or wake) to first STEP >= 2 ms -> a step earlier than that is REFUSED, not delayed: the control
//                                     loop must schedule its first step at least `enableSettleTime` after
//                                     enabling. Waiting 2 ms inside emitStep would silently shift the step
//                                     schedule; refusing makes a scheduling bug visible (uncertain delivery).
// The microsecond waits are done by the backend (busy-wait, never sleep); this type only decides.
import PumpCore

/// Why a step was refused.
public enum StepRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// ENABLE is de-asserted: the pulse would be lost.
    case motorDisabled
    /// Less than `enableSettleTime` since ENABLE was asserted.
    case enableSettling(remaining: MonotonicDuration)
    /// The e-stop input is active.
    case emergencyStopActive

    public var description: String {
        switch self {
        case .motorDisabled: return "step refused: motor disabled"
        case .enableSettling(let r):
            return "step refused: driver settling after enable (\(r.nanoseconds / 1000) µs left of \(StepTimingGuard.enableSettleTime.nanoseconds / 1000) µs)"
        case .emergencyStopActive: return "step refused: emergency stop active"
        }
    }
}

/// Tracks the instants that constrain the next STEP and DIR edges, and decides when they may happen.
public struct StepTimingGuard: Sendable, Equatable {
    /// How long STEP is held high.
    public static let stepHighTime = MonotonicDuration.microseconds(5)
    /// Minimum STEP low time between pulses.
    public static let stepLowTime = MonotonicDuration.microseconds(2)
    /// Minimum DIR set-up time before a STEP rising edge.
    public static let directionSetupTime = MonotonicDuration.microseconds(1)
    /// Minimum DIR hold time after a STEP falling edge.
    public static let directionHoldTime = MonotonicDuration.microseconds(1)
    /// Minimum time from ENABLE (and wake) to the first STEP.
    public static let enableSettleTime = MonotonicDuration.milliseconds(2)

    /// When ENABLE was last asserted, or nil while disabled.
    public private(set) var enabledAt: MonotonicInstant?
    /// When DIR last changed, if ever.
    public private(set) var directionChangedAt: MonotonicInstant?
    /// When the last STEP pulse ended (falling edge), if ever.
    public private(set) var lastStepEndedAt: MonotonicInstant?

    /// A guard for a disabled motor with no history.
    public init() {}

    /// Records that ENABLE was asserted at `t` (only the first assertion counts until the next disable).
    public mutating func enabled(at t: MonotonicInstant) {
        if enabledAt == nil { enabledAt = t }
    }
    /// Records that ENABLE was de-asserted.
    public mutating func disabled() { enabledAt = nil }
    /// Records that DIR changed at `t`.
    public mutating func directionChanged(at t: MonotonicInstant) { directionChangedAt = t }
    /// Records that a STEP pulse ended at `t`.
    public mutating func stepEnded(at t: MonotonicInstant) { lastStepEndedAt = t }

    /// Decides whether a step may start at `now`; on success returns the earliest instant the rising edge
    /// may happen (>= now when a microsecond constraint is still running: busy-wait until then).
    public func stepStart(now: MonotonicInstant, emergencyStopActive: Bool) -> Result<MonotonicInstant, StepRefusal> {
        if emergencyStopActive { return .failure(.emergencyStopActive) }
        guard let enabledAt else { return .failure(.motorDisabled) }
        let settled = enabledAt + Self.enableSettleTime
        if now < settled { return .failure(.enableSettling(remaining: settled - now)) }
        var earliest = now
        if let d = directionChangedAt { earliest = max(earliest, d + Self.directionSetupTime) }
        if let s = lastStepEndedAt { earliest = max(earliest, s + Self.stepLowTime) }
        return .success(earliest)
    }

    /// The earliest instant DIR may change at (>= now): honours the DIR hold time after the last step.
    public func directionChangeStart(now: MonotonicInstant) -> MonotonicInstant {
        guard let s = lastStepEndedAt else { return now }
        return max(now, s + Self.directionHoldTime)
    }
}
