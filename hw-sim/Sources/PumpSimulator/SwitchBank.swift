// The switch inputs as the hardware reads them, and the edges they report.
//
//   reading(sensor) = stuck value if the sensor is stuck, else the physical truth
// An edge is reported when a READING changes in the alarm direction since the last evaluation:
//   e-stop ↑ → emergencyStopPressed, syringe-present ↓ → syringeRemoved, clamp ↓ → plungerUnclamped,
//   end-of-travel ↑ → endOfTravelReached, occlusion switch ↑ → occlusionSwitchClosed.
// Changes in the other direction update the state silently (the protocol has no "cleared" events).
// Invariant: a stuck sensor reports no edges while stuck, whatever the truth does.
import Foundation
import PumpCore

/// The true or read state of every switch.
struct SwitchStates: Sendable, Equatable {
    var emergencyStop = false
    var syringePresent = false
    var plungerClamped = false
    var endOfTravel = false
    var occlusionSwitch = false

    subscript(sensor: SimulatedSensor) -> Bool {
        get {
            switch sensor {
            case .emergencyStop: emergencyStop
            case .syringePresent: syringePresent
            case .plungerClamped: plungerClamped
            case .endOfTravel: endOfTravel
            case .occlusionSwitch: occlusionSwitch
            }
        }
        set {
            switch sensor {
            case .emergencyStop: emergencyStop = newValue
            case .syringePresent: syringePresent = newValue
            case .plungerClamped: plungerClamped = newValue
            case .endOfTravel: endOfTravel = newValue
            case .occlusionSwitch: occlusionSwitch = newValue
            }
        }
    }
}

/// Stuck-at overrides and edge detection for the switch inputs.
struct SwitchBank: Sendable {
    /// Sensors frozen at a value.
    var stuck: [SimulatedSensor: Bool] = [:]
    private var lastReading: SwitchStates?

    /// What the hardware reads for each switch, given the truth.
    func reading(of truth: SwitchStates) -> SwitchStates {
        var read = truth
        for (sensor, value) in stuck { read[sensor] = value }
        return read
    }

    /// Records the current reading and returns the alarm edges since the previous one, in a fixed order.
    mutating func edges(for truth: SwitchStates) -> [PumpInputEvent] {
        let now = reading(of: truth)
        defer { lastReading = now }
        guard let before = lastReading else { return [] }
        var events: [PumpInputEvent] = []
        for sensor in SimulatedSensor.allCases where before[sensor] != now[sensor] {
            switch (sensor, now[sensor]) {
            case (.emergencyStop, true): events.append(.emergencyStopPressed)
            case (.syringePresent, false): events.append(.syringeRemoved)
            case (.plungerClamped, false): events.append(.plungerUnclamped)
            case (.endOfTravel, true): events.append(.endOfTravelReached)
            case (.occlusionSwitch, true): events.append(.occlusionSwitchClosed)
            default: break
            }
        }
        return events
    }
}
