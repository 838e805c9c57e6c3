// The stepper driver and lead screw: what one STEP pulse does before it reaches the syringe.
//
// A pulse passes these stages in order; the first that absorbs it decides the outcome:
//   1. ENABLE de-asserted          → nothing turns                     (`disabled`)
//   2. motor stalled (forward only: the load is on the push side; a stalled motor still retracts)
//                                  → the rotor slips, nothing turns    (`stall`)
//   3. start-up slack remaining    → screw turns, play is taken up     (`startupSlack`)
//   4. backlash after a reversal   → screw turns, backlash taken up    (`backlash`)
//   5. otherwise                   → the pusher moves one step in DIR  (`moved`)
// Invariants: the slack is consumed once per plant lifetime; the backlash is re-armed every time the screw
// turns in the opposite direction to its previous turn (the first turn ever has no previous turn, unless the
// plant starts with the screw's last turn backwards: `backlashPendingAtStart`); a
// stalled pulse does not turn the screw, so it neither consumes play nor re-arms backlash.
import Foundation
import PumpCore

/// Where a STEP pulse ended up.
enum StepOutcome: Sendable, Equatable {
    case disabled, stall, startupSlack, backlash
    /// The pusher moved one step in this direction.
    case moved(MotorDirection)
    /// The pusher moved but the plunger did not follow (unclamped or syringe out).
    case disengaged
    /// The stopper is bottomed out; the forward step is lost.
    case endOfTravel
}

/// Stepper driver plus lead screw.
struct DriveTrain: Sendable {
    /// The ENABLE line (true: driver energised).
    var enabled = false
    /// The DIR line.
    var direction: MotorDirection = .infuse
    /// The next N forward pulses stall.
    var stallRemaining = 0
    /// Every forward pulse stalls until cleared.
    var stalledIndefinitely = false

    private let backlash: Int
    private var slackRemaining: Int
    private var backlashRemaining = 0
    private var lastTurn: MotorDirection?

    init(backlashSteps: Int, startupSlackSteps: Int, lastTurn: MotorDirection? = nil) {
        backlash = max(0, backlashSteps)
        slackRemaining = max(0, startupSlackSteps)
        self.lastTurn = lastTurn
    }

    /// Applies one STEP pulse to the driver and screw.
    mutating func pulse() -> StepOutcome {
        guard enabled else { return .disabled }
        if direction == .infuse {
            if stalledIndefinitely { return .stall }
            if stallRemaining > 0 {
                stallRemaining -= 1
                return .stall
            }
        }
        if let last = lastTurn, last != direction { backlashRemaining = backlash }
        lastTurn = direction
        if slackRemaining > 0 {
            slackRemaining -= 1
            return .startupSlack
        }
        if backlashRemaining > 0 {
            backlashRemaining -= 1
            return .backlash
        }
        return .moved(direction)
    }
}
