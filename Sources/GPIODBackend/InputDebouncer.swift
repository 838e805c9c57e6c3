// Asymmetric debounce for safety switches, as pure logic over monotonic time.
//
// Invariant: a switch moving to its FAULT level (e-stop pressed, syringe removed, plunger unclamped, end of
// travel, occlusion) is believed on the first edge, with no delay, and reported once; a return to the SAFE
// level is believed only after the raw level has stayed safe for the whole debounce interval. So bounce can
// only ever make the pump stop early (fail-safe), never late (HAZ-011), and a chattering switch keeps the
// fault asserted. The interval starts at the last edge, using the kernel's edge time stamps.
import PumpCore

/// One debounced safety input.
public struct InputDebouncer: Sendable, Equatable {
    /// The logical level ("asserted") that means a fault.
    public let faultLevel: Bool
    /// How long the safe level must hold before it is believed.
    public let debounce: MonotonicDuration
    /// The last raw logical level seen.
    public private(set) var raw: Bool
    /// When `raw` last changed.
    public private(set) var rawSince: MonotonicInstant

    /// Creates a debouncer from the level read when the line was requested at `t`. A safe initial level is
    /// believed only after the debounce interval (conservative at start-up).
    public init(faultLevel: Bool, debounce: MonotonicDuration, initial: Bool, at t: MonotonicInstant) {
        self.faultLevel = faultLevel
        self.debounce = debounce
        self.raw = initial
        self.rawSince = t
    }

    /// The debounced logical level at `now`.
    public func level(at now: MonotonicInstant) -> Bool {
        if raw == faultLevel { return faultLevel }
        return now - rawSince >= debounce ? raw : faultLevel
    }

    /// Whether the debounced level at `now` is the fault level.
    public func isFault(at now: MonotonicInstant) -> Bool { level(at: now) == faultLevel }

    /// Feeds one raw logical level seen at `t` (an edge, or a re-read). Returns true when this observation
    /// moves the debounced state from safe to fault: the moment to report the event.
    public mutating func observe(_ level: Bool, at t: MonotonicInstant) -> Bool {
        let wasFault = isFault(at: t)
        if level != raw {
            raw = level
            rawSince = t
        }
        return !wasFault && level == faultLevel
    }
}
