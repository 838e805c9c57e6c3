// The faults a test or bench scenario can inject into the plant, and the log that records them.
// A fault takes effect at the clock's current instant; scenarios schedule `inject` on a `VirtualScheduler`
// to place faults in time.
import Foundation
import PumpCore

/// A switch input of the pump (the inputs a stuck-sensor fault can freeze).
public enum SimulatedSensor: String, Sendable, Equatable, Hashable, CaseIterable {
    case emergencyStop, syringePresent, plungerClamped, endOfTravel, occlusionSwitch
}

/// A fault or operator action applied to the simulated plant.
public enum SimulatedFault: Sendable, Equatable {
    /// The line downstream is blocked: outflow resistance becomes infinite (HAZ-004).
    case occlusion
    /// The blockage clears; the stored volume is released as a bolus (HAZ-004).
    case occlusionRelease
    /// The next `lostSteps` forward pulses do not move the plunger (HAZ-005).
    case stall(lostSteps: Int)
    /// Every forward pulse stalls from now until `stallEnd` (HAZ-005).
    case stallStart
    /// Ends `stallStart` and any remaining `stall(lostSteps:)`.
    case stallEnd
    /// The plunger head leaves the clamp: the clamp switch opens and steps stop moving the plunger (HAZ-013).
    case disengage
    /// The plunger head is clamped again (only while a syringe is present).
    case reengage
    /// The syringe is taken out of the cradle: the present and clamp switches open (HAZ-013).
    case syringeRemoved
    /// The syringe is seated again and its plunger clamped (clears `syringeRemoved`).
    case syringeInserted
    /// A switch input reads `value` whatever the truth, until `unstickSensor`.
    case stuckSensor(SimulatedSensor, Bool)
    /// The switch input reads the truth again.
    case unstickSensor(SimulatedSensor)
    /// The named output operation throws `HardwareError` from now on. `.enable` fails only
    /// `setMotorEnabled(true)`; `setMotorEnabled(false)` fails only when `.disable` is named explicitly.
    case gpioWriteFailure(HardwareError.Operation)
    /// `readInputs()` throws `HardwareError` from now on.
    case gpioReadFailure
    /// Every GPIO read and write works again.
    case clearGPIOFailures
    /// The emergency-stop button is pressed (HAZ-011).
    case emergencyStopPress
    /// The emergency-stop button is released.
    case emergencyStopRelease
}

/// One entry of the fault log.
public struct InjectedFault: Sendable, Equatable {
    /// When the fault took effect.
    public var time: MonotonicInstant
    /// The fault.
    public var fault: SimulatedFault
    /// Creates a log entry.
    public init(time: MonotonicInstant, fault: SimulatedFault) {
        self.time = time
        self.fault = fault
    }
}
