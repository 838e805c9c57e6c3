// The motor gate: the one place where ENABLE, DIR and STEP are driven, in exactly one mode at a time.
//
// Invariants (HAZ-001, HAZ-002, HAZ-004, HAZ-005):
// - The mode is exclusive: `off`, `infusing` or `retracting`. A mode is entered only from `off`, so "armed" and
//   "backing off" can never hold together (the first version kept four booleans, and a resume during an
//   occlusion back-off delivered drug while counting it as retracted).
// - The gate sets DIR when it enters a mode and checks, before every step, that the direction it last set is
//   the mode's direction; a mismatch is a fault, never a step.
// - Infusing steps are counted forward and bounded by the programmed target and the durable lease: the first
//   step past either is refused as a fault (the supervisor latches it), never silently.
// - Retracting steps have their own budget (the back-off's maximum volume) and their own count; they never
//   touch the infusing count's bounds and never run while infusing.
// - Every hardware error in any mode is a fault. Leaving a mode always drops ENABLE first.
// Not thread-safe: the supervisor owns the gate and calls it with its lock held. A class, not a struct: a
// backend may report an input edge synchronously from inside emitStep(), and the supervisor's trip then switches
// the gate off re-entrantly (the lock is recursive); a struct's mutating call would hold exclusive access across
// that call and trap.
import Foundation

/// The motor's exclusive mode.
public enum MotorMode: String, Sendable, Equatable, CaseIterable {
    /// ENABLE de-asserted; no step passes.
    case off
    /// DIR infuse, ENABLE asserted; steps deliver drug.
    case infusing
    /// DIR retract, ENABLE asserted; steps pull the plunger back (occlusion back-off), within a budget.
    case retracting

    /// The direction this mode drives, or nil for `off`.
    public var direction: MotorDirection? {
        switch self {
        case .off: nil
        case .infusing: .infuse
        case .retracting: .retract
        }
    }
}

/// What happened to one step request at the gate.
enum GateStepOutcome: Equatable {
    /// The step was emitted and counted.
    case stepped
    /// The gate is not in the step's mode, or a budget is used up: nothing was emitted; not a hazard by itself.
    case notAllowed
    /// A hazard: nothing was emitted and the supervisor must latch this alarm.
    case fault(AlarmCode, String)
}

/// The motor's single gate: mode, direction, counts and per-mode bounds.
final class MotorGate {
    private(set) var mode: MotorMode = .off
    /// Steps emitted in the infusing direction, this session (including what a recovery carried in).
    private(set) var forwardSteps: Int64 = 0
    /// Steps emitted in the retracting direction, this session.
    private(set) var retractedSteps: Int64 = 0
    /// Steps retracted in the current (or last) retracting mode.
    private(set) var retractedThisMode: Int64 = 0
    private var retractBudget: Int64 = 0
    /// The direction the gate itself last set on the DIR line (nil: unknown, e.g. after a failed write).
    private var directionSet: MotorDirection?
    /// The programmed target in net steps; no infusing step may take the count past it.
    var programmedTarget: Int64?

    /// Net steps delivered: forward minus retracted.
    var netSteps: Int64 { forwardSteps - retractedSteps }

    /// Starts a session's count at `alreadyDelivered` (from the journal's recovery only).
    func beginCount(alreadyDelivered: Int64) {
        forwardSteps = alreadyDelivered
        retractedSteps = 0
        retractedThisMode = 0
    }

    /// Enters `infusing` or `retracting` from `off`: DIR first, then ENABLE. `retractBudget` bounds a
    /// retracting mode. Throws (with ENABLE dropped again) when the gate is not off or the hardware fails.
    func enter(_ newMode: MotorMode, retractBudget budget: Int64 = 0, hardware: PumpHardware) throws(GateEntryError) {
        guard let direction = newMode.direction else { return }
        guard mode == .off else { throw .busy(mode) }
        do {
            directionSet = nil
            try hardware.setDirection(direction)
            directionSet = direction
            try hardware.setMotorEnabled(true)
        } catch {
            try? hardware.setMotorEnabled(false)
            throw .hardware("\(error)")
        }
        mode = newMode
        if newMode == .retracting {
            retractBudget = max(0, budget)
            retractedThisMode = 0
        }
    }

    /// Leaves any mode: ENABLE off first, then the mode is `off` whatever the hardware answered. Returns the
    /// hardware error, if the disable write failed (uncertain: the caller latches it).
    @discardableResult
    func switchOff(hardware: PumpHardware) -> String? {
        mode = .off
        do {
            try hardware.setMotorEnabled(false)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// One infusing step, bounded by the programmed target and (when given) the durable lease ceiling.
    func infuseStep(leaseCeiling: Int64?, hardware: PumpHardware) -> GateStepOutcome {
        guard mode == .infusing else { return .notAllowed }
        guard directionSet == .infuse else {
            return .fault(.hardwareFailure, "The direction line is not set to infuse; the step was refused.")
        }
        let next = netSteps + 1
        if let target = programmedTarget, next > target {
            return .fault(.targetExceeded,
                "A step past the programmed target of \(target) steps was requested; the pump was stopped.")
        }
        if let ceiling = leaseCeiling, next > ceiling {
            return .fault(.deliveryEnvelopeExceeded,
                "A step past the durably recorded delivery lease (\(ceiling) steps) was requested; the pump was stopped.")
        }
        do { try hardware.emitStep() } catch {
            return .fault(.hardwareFailure, "Delivery is uncertain (by up to one step): \(error).")
        }
        forwardSteps += 1
        return .stepped
    }

    /// One retracting step, within the mode's budget.
    func retractStep(hardware: PumpHardware) -> GateStepOutcome {
        guard mode == .retracting, retractedThisMode < retractBudget else { return .notAllowed }
        guard directionSet == .retract else {
            return .fault(.hardwareFailure, "The direction line is not set to retract; the back-off step was refused.")
        }
        do { try hardware.emitStep() } catch {
            return .fault(.hardwareFailure, "The back-off is uncertain (by up to one step): \(error).")
        }
        retractedThisMode += 1
        retractedSteps += 1
        return .stepped
    }
}

/// Why the gate could not enter a mode.
enum GateEntryError: Error, Equatable {
    /// The gate is already in another mode.
    case busy(MotorMode)
    /// DIR or ENABLE could not be written.
    case hardware(String)
}
