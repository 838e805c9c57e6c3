// The syringe in the pump now, and where it runs empty (issue 14 item 2: syringe change).
//
//   delivered from it  = delivered count − loadedAtSteps            (net steps since it was loaded)
//   contents left      = fill − volume(delivered from it)           (what its graduations show)
//   empty point        = loadedAtSteps + steps(fill − dead space − margin), rounded down (stops earlier)
// The empty point applies only when this syringe cannot finish the program: when loadedAtSteps +
// steps(fill − dead space) reaches the target, the program's own end comes first (that is what the capacity check
// accepted, and the end-of-travel switch stays the backstop). The margin puts the syringe-empty pause before the
// end-of-travel switch. Counts are the supervisor's, never reset by a change: totals stay cumulative.
import Foundation
import PumpCore

/// One syringe of a session: its number, its stated fill and the delivered count when it was loaded.
public struct SyringeLoad: Sendable, Equatable, Codable {
    /// 1 for the syringe the program started with; each syringe change adds one.
    public var index: Int
    /// Volume drawn into it, dead space included.
    public var fill: Milliliters
    /// The session's delivered count (net steps) when it was loaded.
    public var loadedAtSteps: Steps

    /// Creates a syringe load.
    public init(index: Int, fill: Milliliters, loadedAtSteps: Steps) {
        self.index = index
        self.fill = fill
        self.loadedAtSteps = loadedAtSteps
    }

    /// Net steps delivered from this syringe.
    public func deliveredSteps(total delivered: Steps) -> Steps {
        Steps(max(0, delivered.count - loadedAtSteps.count))
    }

    /// Volume left in the barrel (dead space included), never below zero.
    public func contentsLeft(_ geometry: SyringeGeometry, delivered: Steps) -> Milliliters {
        Milliliters(max(0, (fill - geometry.volume(for: deliveredSteps(total: delivered))).value))
    }

    /// The delivered count at which this syringe is treated as empty, or nil when it can finish `target`.
    public func emptyPoint(_ geometry: SyringeGeometry, target: Steps, margin: Milliliters) -> Steps? {
        let usable = fill - geometry.syringe.deadSpace
        guard loadedAtSteps.count + geometry.steps(forVolume: usable).count < target.count else { return nil }
        return Steps(loadedAtSteps.count + geometry.steps(forVolume: usable - margin).count)
    }
}

/// When the near-empty and syringe-empty alarms come (pump clock).
public struct SyringeAlarmSettings: Sendable, Equatable {
    /// Near-empty when the time to the empty point is at most this…
    public var nearEmptyTime: Minutes
    /// …or the volume to it at most this, whichever comes first.
    public var nearEmptyVolume: Milliliters
    /// The syringe-empty pause comes this much before the computed empty point (fill less dead space).
    public var emptyMargin: Milliliters

    /// Creates the settings (defaults: 3 min or 2 mL, 0.5 mL margin).
    public init(nearEmptyTime: Minutes = Minutes(3), nearEmptyVolume: Milliliters = Milliliters(2),
                emptyMargin: Milliliters = Milliliters(0.5)) {
        self.nearEmptyTime = nearEmptyTime
        self.nearEmptyVolume = nearEmptyVolume
        self.emptyMargin = emptyMargin
    }
}
