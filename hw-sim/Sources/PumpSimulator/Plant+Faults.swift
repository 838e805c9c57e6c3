// Applying an injected fault to the plant. Every fault is logged with the instant it took effect.
import Foundation
import PumpCore

extension Plant {
    /// Applies `fault` at `instant` (the plant has already been advanced to it).
    mutating func apply(_ fault: SimulatedFault, at instant: MonotonicInstant) {
        faultLog.append(InjectedFault(time: instant, fault: fault))
        switch fault {
        case .occlusion:
            line.occluded = true
        case .occlusionRelease:
            line.occluded = false
            lastRelease = ReleaseMark(time: instant, delivered: line.delivered, displaced: displaced)
        case .stall(let lostSteps):
            drive.stallRemaining += max(0, lostSteps)
        case .stallStart:
            drive.stalledIndefinitely = true
        case .stallEnd:
            drive.stalledIndefinitely = false
            drive.stallRemaining = 0
        case .disengage:
            barrel.clamped = false
        case .reengage:
            barrel.clamped = barrel.present
        case .syringeRemoved:
            barrel.present = false
            barrel.clamped = false
        case .syringeInserted:
            barrel.present = true
            barrel.clamped = true
        case .stuckSensor(let sensor, let value):
            switches.stuck[sensor] = value
        case .unstickSensor(let sensor):
            switches.stuck[sensor] = nil
        case .gpioWriteFailure(let operation):
            failingWrites.insert(operation)
        case .gpioReadFailure:
            readFails = true
        case .clearGPIOFailures:
            failingWrites.removeAll()
            readFails = false
        case .emergencyStopPress:
            emergencyStopPressed = true
        case .emergencyStopRelease:
            emergencyStopPressed = false
        }
    }
}
