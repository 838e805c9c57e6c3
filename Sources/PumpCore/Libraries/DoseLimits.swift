// The numeric limits a drug profile places on one prescribed quantity.
//
// Invariant (checked by the library loader, relied on by the planner):
//   0 < minimum ≤ default ≤ softMaximum (if any) ≤ hardMaximum.
// A value below `minimum` or above `hardMaximum` is refused outright; a value above `softMaximum` needs a
// clinician's override with a written reason. Nothing is ever clipped to a limit.
import Foundation

/// Minimum, default, optional soft maximum and hard maximum for one prescribed quantity (a dose or a rate).
public struct DoseLimits<Q: Comparable & Hashable & Sendable & CustomStringConvertible>: Sendable, Hashable {
    /// The smallest value that may be programmed (below it is refused as a likely entry error).
    public var minimum: Q
    /// The value offered when the clinician does not enter one.
    public var `default`: Q
    /// Above this the program needs an explicit override with a reason; `nil` means no soft limit.
    public var softMaximum: Q?
    /// Above this the program is refused; no override exists.
    public var hardMaximum: Q

    /// Creates limits; the ordering invariant is validated by the library loader, not here.
    public init(minimum: Q, default: Q, softMaximum: Q?, hardMaximum: Q) {
        self.minimum = minimum
        self.default = `default`
        self.softMaximum = softMaximum
        self.hardMaximum = hardMaximum
    }
}

/// Allowed planned infusing time for a profile.
public struct DurationLimits: Sendable, Hashable {
    /// Shortest allowed infusing time.
    public var minimum: Minutes
    /// Infusing time used when the clinician does not enter one.
    public var `default`: Minutes
    /// Longest allowed infusing time.
    public var maximum: Minutes

    /// Creates duration limits; the ordering invariant (minimum ≤ default ≤ maximum) is validated on load.
    public init(minimum: Minutes, default: Minutes, maximum: Minutes) {
        self.minimum = minimum
        self.default = `default`
        self.maximum = maximum
    }
}

/// The range of actual body weights a drug may be programmed for (hard limits).
public struct WeightLimits: Sendable, Hashable {
    /// Lightest patient accepted.
    public var hardMinimum: Kilograms
    /// Heaviest patient accepted.
    public var hardMaximum: Kilograms

    /// Creates weight limits.
    public init(hardMinimum: Kilograms, hardMaximum: Kilograms) {
        self.hardMinimum = hardMinimum
        self.hardMaximum = hardMaximum
    }

    /// True when `weight` lies within the limits (inclusive).
    public func contains(_ weight: Kilograms) -> Bool { weight >= hardMinimum && weight <= hardMaximum }
}
