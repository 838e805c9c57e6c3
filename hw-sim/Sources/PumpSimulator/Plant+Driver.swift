// The plant's side of the `PumpHardware` operations. Each is called after `advance(to:)` with the instant
// it happens at. A failing write (injected GPIO fault, or the device closed) throws BEFORE changing the
// line it would have written, exactly like a failed ioctl: the output keeps its previous level.
import Foundation
import PumpCore

extension Plant {
    private func checkWrite(_ operation: HardwareError.Operation) throws {
        if closed { throw HardwareError(.open, "simulated pump is closed") }
        if failingWrites.contains(operation) {
            throw HardwareError(operation, "injected GPIO write failure")
        }
    }

    /// ENABLE. Disabling fails only on an explicit `.disable` fault, and is a harmless no-op after `close()`.
    mutating func setMotorEnabled(_ enabled: Bool) throws {
        if enabled {
            try checkWrite(.enable)
        } else {
            if closed { return }
            try checkWrite(.disable)
        }
        drive.enabled = enabled
    }

    /// DIR.
    mutating func setDirection(_ direction: MotorDirection) throws {
        try checkWrite(.direction)
        drive.direction = direction
    }

    /// One STEP pulse at `instant`.
    mutating func emitStep(at instant: MonotonicInstant) throws {
        try checkWrite(.step)
        stepPulsesReceived += 1
        if parameters.recordStepTimes, drive.enabled, drive.direction == .infuse { stepTimes.append(instant) }
        var outcome = drive.pulse()
        if case .moved(let direction) = outcome { outcome = barrel.follow(direction) }
        switch outcome {
        case .disabled: stepPulsesWhileDisabled += 1
        case .stall: lostSteps.stall += 1
        case .startupSlack: lostSteps.startupSlack += 1
        case .backlash: lostSteps.backlash += 1
        case .disengaged: lostSteps.disengaged += 1
        case .endOfTravel: lostSteps.endOfTravel += 1
        case .moved(.infuse): line.displace(volumePerStep)
        case .moved(.retract): line.displace(-volumePerStep)
        }
    }

    /// Every input as the hardware reads it.
    func readInputs() throws -> PumpInputs {
        if closed { throw HardwareError(.open, "simulated pump is closed") }
        if readFails { throw HardwareError(.readInputs, "injected GPIO read failure") }
        let read = switches.reading(of: truth)
        return PumpInputs(
            emergencyStopPressed: read[.emergencyStop], syringePresent: read[.syringePresent],
            plungerClamped: read[.plungerClamped], endOfTravel: read[.endOfTravel],
            occlusionSwitch: read[.occlusionSwitch],
            linePressure: parameters.hasPressureSensor ? MillimetersOfMercury(sensedPressure) : nil,
            measuredSteps: parameters.hasEncoder ? Steps(earlierPositions + barrel.position) : nil)
    }

    /// The alarm outputs.
    mutating func setAlarmIndication(_ indication: AlarmIndication) throws {
        try checkWrite(.indication)
        alarmIndication = indication
    }

    /// The buzzer's audio pause (the LEDs keep the indication).
    mutating func setAlarmAudioPaused(_ paused: Bool) throws {
        try checkWrite(.indication)
        alarmAudioPaused = paused
    }

    /// Releases the lines: the hardware pull-down de-asserts ENABLE whatever the GPIO fault state.
    mutating func close() {
        drive.enabled = false
        closed = true
    }
}
