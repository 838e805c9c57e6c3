// Which input conditions forbid delivery. One rule, used for arming, for latching and for acknowledging:
// every condition is reported, not just the first, so clearing one alarm can never hide another input that
// still blocks (the first version checked only the first: with the e-stop pressed, `ack syringe-removed`
// succeeded while the syringe was still out).
import Foundation

/// One input condition that forbids delivery.
public struct BlockingCondition: Sendable, Equatable {
    /// The alarm this condition raises.
    public var code: AlarmCode
    /// One sentence describing the condition.
    public var message: String
}

/// Evaluates an input snapshot against the pump-level settings.
enum InputEvaluation {
    /// Every condition in `inputs` that forbids delivery (checks disabled for a test are skipped), in a fixed
    /// order: e-stop, syringe, clamp, end of travel, occlusion, then the backend's sensor faults.
    static func blockingConditions(_ inputs: PumpInputs, _ configuration: SupervisorConfiguration) -> [BlockingCondition] {
        var found: [BlockingCondition] = []
        func add(_ check: SafetyCheck, _ holds: Bool, _ code: AlarmCode, _ message: String) {
            if holds, configuration.isEnabled(check) { found.append(BlockingCondition(code: code, message: message)) }
        }
        add(.emergencyStop, inputs.emergencyStopPressed, .emergencyStop, "The emergency-stop button is pressed.")
        add(.syringePresence, !inputs.syringePresent, .syringeRemoved, "No syringe is loaded.")
        add(.plungerClamp, !inputs.plungerClamped, .plungerUnclamped, "The plunger is not clamped.")
        add(.endOfTravel, inputs.endOfTravel, .endOfTravel, "The plunger is at its end of travel: the syringe is empty.")
        add(.occlusionPressure, inputs.occlusionSwitch, .occlusion, "The occlusion pressure switch is closed.")
        if !inputs.occlusionSwitch, let pressure = inputs.linePressure, pressure >= configuration.occlusionPressure {
            add(.occlusionPressure, true, .occlusion,
                "Line pressure \(pressure.formatted(maxFractionDigits: 0)) is at or above the occlusion limit of \(configuration.occlusionPressure.formatted(maxFractionDigits: 0)).")
        }
        for fault in inputs.sensorFaults { add(check(for: fault.code), true, fault.code, fault.message) }
        return found
    }

    /// The check that governs a backend-reported sensor fault (so a sensitivity test can disable exactly one).
    static func check(for code: AlarmCode) -> SafetyCheck {
        switch code {
        case .stepMismatch, .encoderFault: return .stepMismatch
        case .pressureSensorFault, .occlusion: return .occlusionPressure
        default: return .hardwareErrors
        }
    }

    /// One sentence listing every condition.
    static func sentence(_ conditions: [BlockingCondition]) -> String {
        conditions.map(\.message).joined(separator: " ")
    }
}
