// The syringe in its cradle: plunger position, the end stop and the clamp.
//
// Positions are whole steps of the pusher, net forward from where the plunger sat at load time.
// The stop is where the stopper bottoms out, i.e. where the fill less the dead space has been pushed out
// at the TRUE volume per step:  stop = ⌊(fill − dead space) / ΔV_true⌋  (never negative).
// Invariants: the plunger only moves while the syringe is present and clamped; it never passes the stop
// (a forward step there is lost: the motor stalls against the stopper); retraction is not limited.
import Foundation
import PumpCore

/// The syringe, its plunger and the clamp.
struct SyringeBarrel: Sendable {
    /// Plunger position at which the stopper bottoms out.
    let stopPosition: Int64
    /// Net forward plunger travel since load, in steps.
    private(set) var position: Int64 = 0
    /// A syringe sits in the cradle.
    var present = true
    /// The plunger head is held by the pusher's clamp.
    var clamped = true

    init(stopPosition: Int64) { self.stopPosition = max(0, stopPosition) }

    /// The stopper has bottomed out.
    var atStop: Bool { position >= stopPosition }

    /// The plunger's response to the pusher moving one step in `direction`.
    mutating func follow(_ direction: MotorDirection) -> StepOutcome {
        guard present, clamped else { return .disengaged }
        switch direction {
        case .infuse:
            if atStop { return .endOfTravel }
            position += 1
        case .retract:
            position -= 1
        }
        return .moved(direction)
    }
}
