// A minimal PumpHardware for control-loop tests: records every call, with scriptable inputs and failures.
import Foundation
import PumpCore

final class RecordingHardware: PumpHardware, @unchecked Sendable {
    let clock: MonotonicClock
    var enabled = false
    var direction = MotorDirection.infuse
    var forwardSteps: Int64 = 0
    var retractSteps: Int64 = 0
    var stepsWhileDisabled = 0
    var stepTimes: [MonotonicInstant] = []
    var enableTimes: [MonotonicInstant] = []
    var inputs = PumpInputs()
    var failingOperation: HardwareError.Operation?
    var indication = AlarmIndication.normal
    var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)?
    /// Called after every forward step that moved the motor, with the new forward count (invariant checks at
    /// every step, e.g. the delivery lease ceiling).
    var onForwardStep: ((Int64) -> Void)?

    init(clock: MonotonicClock) { self.clock = clock }

    func setMotorEnabled(_ value: Bool) throws {
        if failingOperation == (value ? .enable : .disable) { throw HardwareError(value ? .enable : .disable, "injected") }
        if value, !enabled { enableTimes.append(clock.now()) }
        enabled = value
    }
    func setDirection(_ value: MotorDirection) throws {
        if failingOperation == .direction { throw HardwareError(.direction, "injected") }
        direction = value
    }
    func emitStep() throws {
        if failingOperation == .step { throw HardwareError(.step, "injected") }
        guard enabled else { stepsWhileDisabled += 1; return }
        if direction == .infuse {
            forwardSteps += 1
            stepTimes.append(clock.now())
            onForwardStep?(forwardSteps)
        } else {
            retractSteps += 1
        }
    }
    func readInputs() throws -> PumpInputs {
        if failingOperation == .readInputs { throw HardwareError(.readInputs, "injected") }
        return inputs
    }
    func setAlarmIndication(_ value: AlarmIndication) throws { indication = value }
    func close() { enabled = false }
}
