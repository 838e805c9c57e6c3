// The one hardware protocol. Two peers implement it: the libgpiod backend (real STEP/DIR/ENABLE lines and
// switch inputs) and the simulator (a plant model with fault injection). The control loop never holds a
// `PumpHardware`; it reaches it only through the supervisor's `SafetyGate`, which decides whether a step or
// an ENABLE may happen at all.
//
// Fail-safe contract every backend must honour:
// - ENABLE is de-asserted (motor disabled) when the backend is created, on `close()`, and on every error
//   path it can reach. The hardware must pull ENABLE to "disabled" so a dead process leaves the motor off.
// - Any failed write throws `HardwareError`; the supervisor treats it as uncertain delivery (HAZ-005).
import Foundation

/// Which way the plunger moves.
public enum MotorDirection: String, Sendable, Codable {
    /// Pushes the plunger: delivers drug.
    case infuse
    /// Pulls the plunger back: relieves pressure (anti-bolus back-off). Never delivers drug.
    case retract
}

/// A snapshot of every input the pump reads.
public struct PumpInputs: Sendable, Equatable, Codable {
    /// The emergency-stop button is pressed (or its circuit is open).
    public var emergencyStopPressed: Bool
    /// A syringe sits in the cradle.
    public var syringePresent: Bool
    /// The plunger head is clamped to the pusher.
    public var plungerClamped: Bool
    /// The pusher reached its end of travel (syringe empty).
    public var endOfTravel: Bool
    /// The occlusion pressure switch is closed (line pressure above the switch's set point).
    public var occlusionSwitch: Bool
    /// Downstream line pressure from a force/pressure sensor, when one is fitted.
    public var linePressure: MillimetersOfMercury?
    /// An independent plunger-position count (encoder or step counter), when one is fitted.
    public var measuredSteps: Steps?
    /// Persistent faults the backend sees in its own sensors or driver (a silent pressure sensor, the driver's
    /// nFAULT line asserted). Each blocks starting and acknowledging while present and trips while moving.
    public var sensorFaults: [SensorFault] = []

    /// Creates an input snapshot; the defaults describe a loaded, clamped syringe and no fault.
    public init(
        emergencyStopPressed: Bool = false, syringePresent: Bool = true, plungerClamped: Bool = true,
        endOfTravel: Bool = false, occlusionSwitch: Bool = false, linePressure: MillimetersOfMercury? = nil,
        measuredSteps: Steps? = nil
    ) {
        self.emergencyStopPressed = emergencyStopPressed
        self.syringePresent = syringePresent
        self.plungerClamped = plungerClamped
        self.endOfTravel = endOfTravel
        self.occlusionSwitch = occlusionSwitch
        self.linePressure = linePressure
        self.measuredSteps = measuredSteps
    }

    private enum CodingKeys: String, CodingKey {
        case emergencyStopPressed, syringePresent, plungerClamped, endOfTravel, occlusionSwitch, linePressure
        case measuredSteps, sensorFaults
    }

    /// Decodes a snapshot; `sensorFaults` is optional in the encoding (older records have none).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        emergencyStopPressed = try c.decode(Bool.self, forKey: .emergencyStopPressed)
        syringePresent = try c.decode(Bool.self, forKey: .syringePresent)
        plungerClamped = try c.decode(Bool.self, forKey: .plungerClamped)
        endOfTravel = try c.decode(Bool.self, forKey: .endOfTravel)
        occlusionSwitch = try c.decode(Bool.self, forKey: .occlusionSwitch)
        linePressure = try c.decodeIfPresent(MillimetersOfMercury.self, forKey: .linePressure)
        measuredSteps = try c.decodeIfPresent(Steps.self, forKey: .measuredSteps)
        sensorFaults = try c.decodeIfPresent([SensorFault].self, forKey: .sensorFaults) ?? []
    }
}

/// A fault a backend detected in its own sensors or driver, with the alarm it raises.
public struct SensorFault: Error, Sendable, Equatable, Codable {
    /// The alarm raised (`encoder-fault`, `pressure-sensor-fault`, `hardware-failure`, `step-mismatch`).
    public var code: AlarmCode
    /// One sentence: which sensor, what was seen.
    public var message: String
    /// Creates a fault report.
    public init(code: AlarmCode, message: String) {
        self.code = code
        self.message = message
    }
}

/// Asynchronous input edges a backend reports as soon as it sees them (not waiting for the next tick).
public enum PumpInputEvent: Sendable, Equatable {
    /// The e-stop input became active.
    case emergencyStopPressed
    /// The syringe-present input went inactive.
    case syringeRemoved
    /// The plunger-clamp input went inactive.
    case plungerUnclamped
    /// The end-of-travel input became active.
    case endOfTravelReached
    /// The occlusion pressure switch closed.
    case occlusionSwitchClosed
    /// The backend detected a sensor or driver fault on its own thread (encoder stuck, driver nFAULT); it has
    /// already de-asserted ENABLE. Trips the fault's alarm while the motor is armed.
    case sensorFault(SensorFault)
}

/// What the alarm outputs (LEDs, buzzer) should show.
public enum AlarmIndication: String, Sendable, Codable {
    /// Green: no alarm.
    case normal
    /// Cyan/yellow constant, one beep.
    case low
    /// Yellow flashing, three beeps.
    case medium
    /// Red flashing, ten-pulse bursts.
    case high
}

extension PumpHardware {
    /// Default: no separate audible output to pause.
    public func setAlarmAudioPaused(_ paused: Bool) throws {}
}

/// A failure talking to the hardware. Any of these means delivery is uncertain.
public struct HardwareError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which operation failed.
    public enum Operation: String, Sendable, Codable {
        case enable, disable, direction, step, readInputs, indication, open
    }
    /// The failed operation.
    public var operation: Operation
    /// A human-readable detail (line name, errno text).
    public var detail: String
    /// Creates a hardware error.
    public init(_ operation: Operation, _ detail: String) {
        self.operation = operation
        self.detail = detail
    }
    public var description: String { "hardware \(operation.rawValue) failed: \(detail)" }
}

/// The hardware as the supervisor sees it. Implementations must be safe to call from the control-loop
/// executor and, for `setMotorEnabled(false)`, from any thread at any time (emergency stop path).
public protocol PumpHardware: AnyObject {
    /// Asserts or de-asserts the driver's ENABLE line. `false` must work even after other failures.
    func setMotorEnabled(_ enabled: Bool) throws
    /// Sets DIR. The backend guarantees the driver's DIR set-up time before the next step.
    func setDirection(_ direction: MotorDirection) throws
    /// Emits exactly one STEP pulse (high for at least the driver's minimum pulse width, then low).
    func emitStep() throws
    /// Reads every input.
    func readInputs() throws -> PumpInputs
    /// Drives the alarm LEDs and buzzer pattern for the given indication.
    func setAlarmIndication(_ indication: AlarmIndication) throws
    /// Pauses (true) or restores (false) the audible part of the indication: the buzzer stays silent while
    /// the LEDs keep their pattern (IEC 60601-1-8 "audio paused"). A backend without one does nothing.
    func setAlarmAudioPaused(_ paused: Bool) throws
    /// Called by the backend, on any thread, when an input edge is seen. Set by the supervisor.
    var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)? { get set }
    /// Releases the hardware, leaving ENABLE de-asserted.
    func close()
}
