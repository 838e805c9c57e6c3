// Monotonic time for control. All control and safety decisions use `MonotonicInstant` (CLOCK_MONOTONIC or
// a virtual clock in tests); wall-clock time is only ever shown to people or written to logs (HAZ-012).
// Time is an integer count of nanoseconds so that step schedules are exact and never drift by rounding.
import Foundation

/// A span of monotonic time, in nanoseconds.
public struct MonotonicDuration: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Nanoseconds (may be negative for differences).
    public var nanoseconds: Int64

    /// Creates a duration from nanoseconds.
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Zero length.
    public static let zero = MonotonicDuration(nanoseconds: 0)
    /// A whole number of seconds.
    public static func seconds(_ s: Int64) -> MonotonicDuration { MonotonicDuration(nanoseconds: s * 1_000_000_000) }
    /// Fractional seconds, rounded to the nearest nanosecond. (Disfavoured so that a whole-number literal
    /// picks the exact integer overload.)
    @_disfavoredOverload
    public static func seconds(_ s: Double) -> MonotonicDuration {
        MonotonicDuration(nanoseconds: CheckedConversion.saturating(s * 1e9, .toNearestOrAwayFromZero,
                                                                  bound: CheckedConversion.maxNanoseconds))
    }
    /// Milliseconds.
    public static func milliseconds(_ ms: Int64) -> MonotonicDuration { MonotonicDuration(nanoseconds: ms * 1_000_000) }
    /// Microseconds.
    public static func microseconds(_ us: Int64) -> MonotonicDuration { MonotonicDuration(nanoseconds: us * 1_000) }
    /// Whole minutes.
    public static func minutes(_ m: Int64) -> MonotonicDuration { .seconds(m * 60) }
    /// A clinical duration in minutes.
    public init(_ minutes: Minutes) { self = .seconds(minutes.value * 60) }

    /// The duration in seconds.
    public var seconds: Double { Double(nanoseconds) / 1e9 }
    /// The duration in minutes, as a clinical quantity.
    public var minutes: Minutes { Minutes(seconds / 60) }

    public static func < (l: MonotonicDuration, r: MonotonicDuration) -> Bool { l.nanoseconds < r.nanoseconds }
    public static func + (l: MonotonicDuration, r: MonotonicDuration) -> MonotonicDuration {
        MonotonicDuration(nanoseconds: l.nanoseconds + r.nanoseconds)
    }
    public static func - (l: MonotonicDuration, r: MonotonicDuration) -> MonotonicDuration {
        MonotonicDuration(nanoseconds: l.nanoseconds - r.nanoseconds)
    }
    public static func * (l: MonotonicDuration, r: Int64) -> MonotonicDuration {
        MonotonicDuration(nanoseconds: l.nanoseconds * r)
    }
    public var description: String { String(format: "%.6f s", seconds) }
}

/// A point on the monotonic time line (nanoseconds since an arbitrary origin such as boot).
public struct MonotonicInstant: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: Int64

    /// Creates an instant.
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The clock's origin.
    public static let origin = MonotonicInstant(nanoseconds: 0)

    public static func < (l: MonotonicInstant, r: MonotonicInstant) -> Bool { l.nanoseconds < r.nanoseconds }
    public static func + (l: MonotonicInstant, r: MonotonicDuration) -> MonotonicInstant {
        MonotonicInstant(nanoseconds: l.nanoseconds + r.nanoseconds)
    }
    public static func - (l: MonotonicInstant, r: MonotonicDuration) -> MonotonicInstant {
        MonotonicInstant(nanoseconds: l.nanoseconds - r.nanoseconds)
    }
    /// The span from `r` to `l`.
    public static func - (l: MonotonicInstant, r: MonotonicInstant) -> MonotonicDuration {
        MonotonicDuration(nanoseconds: l.nanoseconds - r.nanoseconds)
    }
    public var description: String { String(format: "t=%.6f s", Double(nanoseconds) / 1e9) }
}
