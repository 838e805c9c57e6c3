// A `PumpHardware` wrapper for the e-stop benchmark: forwards everything to the simulator bay and stamps
// (CLOCK_MONOTONIC) the first ENABLE-off call that reaches the hardware after `reset()`. It also counts STEP
// calls that arrive while ENABLE is off, which must stay zero (a step after the stop would be a hazard).
import Foundation
import PumpControl
import PumpCore
import PumpDaemon

/// Forwards to the simulator and time-stamps ENABLE off.
final class EnableProbe: PumpHardware, @unchecked Sendable {
    private let inner: SimulatorBay
    private let lock = NSLock()
    private var firstDisable: Int64?
    private var enabled = false
    private var stepsWhileDisabledCount = 0

    init(_ inner: SimulatorBay) { self.inner = inner }

    /// Forgets the last ENABLE-off stamp.
    func reset() { lock.withLock { firstDisable = nil } }
    /// CLOCK_MONOTONIC of the first ENABLE-off since `reset()`.
    var disabledAt: Int64? { lock.withLock { firstDisable } }
    /// STEP calls that reached the hardware while ENABLE was off.
    var stepsWhileDisabled: Int { lock.withLock { stepsWhileDisabledCount } }

    func setMotorEnabled(_ enabled: Bool) throws {
        let now = MonotonicTimeBase.monotonicNanoseconds()
        lock.withLock {
            if !enabled, firstDisable == nil { firstDisable = now }
            self.enabled = enabled
        }
        try inner.setMotorEnabled(enabled)
    }

    func emitStep() throws {
        lock.withLock { if !enabled { stepsWhileDisabledCount += 1 } }
        try inner.emitStep()
    }

    func setDirection(_ direction: MotorDirection) throws { try inner.setDirection(direction) }
    func readInputs() throws -> PumpInputs { try inner.readInputs() }
    func setAlarmIndication(_ indication: AlarmIndication) throws { try inner.setAlarmIndication(indication) }
    func setAlarmAudioPaused(_ paused: Bool) throws { try inner.setAlarmAudioPaused(paused) }
    var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)? {
        get { inner.inputEventHandler }
        set { inner.inputEventHandler = newValue }
    }
    func close() { inner.close() }
}
