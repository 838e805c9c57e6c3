// The due-time arithmetic shared by the real-clock schedulers.
//
// A `MonotonicInstant` on the control time line is nanoseconds since the scheduler's origin, a reading of
// CLOCK_MONOTONIC taken at start-up, scaled by `speed` (virtual seconds per real second; 1 on real hardware):
//     instant = (monotonic − origin) × speed          realDeadline = origin + instant / speed
// Both directions are exact at speed 1 (integer nanoseconds). A deadline before the origin clamps to the
// origin (never a negative timespec). `clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)` and Dispatch timers
// take the absolute real deadline, so a late wake-up never shifts later deadlines. No wall clock (HAZ-012).
import Foundation
import PumpCore
#if canImport(Glibc)
import Glibc
#endif

/// Maps the control time line onto CLOCK_MONOTONIC.
public struct MonotonicTimeBase: Sendable, Equatable {
    /// CLOCK_MONOTONIC at the time line's origin, in nanoseconds.
    public let originNanoseconds: Int64
    /// Virtual seconds per real second (> 0; 1 on real hardware).
    public let speed: Double

    /// A time base starting at `originNanoseconds` of CLOCK_MONOTONIC.
    public init(originNanoseconds: Int64, speed: Double = 1) {
        self.originNanoseconds = originNanoseconds
        self.speed = max(speed, 1e-6)
    }

    /// A time base starting now.
    public static func startingNow(speed: Double = 1) -> MonotonicTimeBase {
        MonotonicTimeBase(originNanoseconds: monotonicNanoseconds(), speed: speed)
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    public static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)  // checked: Int → Int64 widening of a kernel timespec
    }

    /// The control instant of a CLOCK_MONOTONIC reading.
    public func instant(atMonotonic nanoseconds: Int64) -> MonotonicInstant {
        let real = nanoseconds - originNanoseconds
        return MonotonicInstant(nanoseconds: speed == 1 ? real : CheckedConversion.saturating(Double(real) * speed, .towardZero, bound: CheckedConversion.maxNanoseconds))
    }

    /// The current control instant.
    public func now() -> MonotonicInstant { instant(atMonotonic: Self.monotonicNanoseconds()) }

    /// The CLOCK_MONOTONIC reading (nanoseconds) at which `instant` falls due, never before the origin.
    public func monotonicDeadline(for instant: MonotonicInstant) -> Int64 {
        let offset = speed == 1 ? instant.nanoseconds : CheckedConversion.saturating(Double(instant.nanoseconds) / speed, .towardZero, bound: CheckedConversion.maxNanoseconds)
        return originNanoseconds + max(0, offset)
    }

    /// `monotonicDeadline(for:)` as a timespec for `clock_nanosleep(TIMER_ABSTIME)` / `pthread_cond_timedwait`.
    public func timespecDeadline(for instant: MonotonicInstant) -> timespec {
        Self.makeTimespec(nanoseconds: monotonicDeadline(for: instant))
    }

    /// Splits nanoseconds into a normalised timespec (0 ≤ tv_nsec < 1e9).
    public static func makeTimespec(nanoseconds: Int64) -> timespec {
        let clamped = max(0, nanoseconds)
        return timespec(tv_sec: Int(clamped / 1_000_000_000), tv_nsec: Int(clamped % 1_000_000_000))  // checked: Int64 → Int, same width on the 64-bit targets
    }
}
