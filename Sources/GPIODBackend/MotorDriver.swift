// STEP / DIR / ENABLE (/ SLEEP) under one priority-inheritance lock.
//
// Timing invariants (see StepTimingGuard for the numbers):
// - The lock is held for the whole STEP pulse (~5 µs busy-wait plus two ioctls), so once `disable()` has
//   returned no further STEP rising edge can start: a step either completed before ENABLE went off or is
//   refused afterwards (HAZ-011: the e-stop path waits at most one pulse).
// - ENABLE is asserted only through `setEnabled(true)`, which refuses while the e-stop input is active.
// - `disable()` never throws: it tries ENABLE then SLEEP and reports the first failure; the guard is marked
//   disabled whatever happens, so no step is attempted after a failed disable either.
import Foundation
import PumpCore

/// The motor-side output lines of the driver.
final class MotorDriver: @unchecked Sendable {
    private let lock = PIMutex()
    private let enable: GPIOLineHandle
    private let step: GPIOLineHandle
    private let direction: GPIOLineHandle
    private let sleep: GPIOLineHandle?
    private let emergencyStopActive: @Sendable () -> Bool
    // Guarded by `lock`:
    private var timing = StepTimingGuard()
    private var currentDirection: MotorDirection
    private var enabled = false
    private var closed = false
    private var stepsEmitted: Int64 = 0
    private var netEmitted: Int64 = 0  // infuse +1, retract −1

    /// Wraps lines already requested with ENABLE de-asserted, SLEEP asserted and DIR at `initialDirection`
    /// since `requestedAt`.
    init(enable: GPIOLineHandle, step: GPIOLineHandle, direction: GPIOLineHandle, sleep: GPIOLineHandle?,
         initialDirection: MotorDirection, requestedAt: MonotonicInstant,
         emergencyStopActive: @escaping @Sendable () -> Bool) {
        self.enable = enable
        self.step = step
        self.direction = direction
        self.sleep = sleep
        self.currentDirection = initialDirection
        self.emergencyStopActive = emergencyStopActive
        timing.directionChanged(at: requestedAt)
    }

    /// The number of STEP pulses completed since the lines were requested.
    var stepCount: Int64 { lock.withLock { stepsEmitted } }

    /// Whether ENABLE is asserted and the net STEP count (infuse +1, retract −1), read together.
    var motion: (enabled: Bool, netSteps: Int64) { lock.withLock { (enabled, netEmitted) } }

    /// Whether ENABLE is currently asserted by this process.
    var isEnabled: Bool { lock.withLock { enabled } }

    /// Wakes the driver and asserts ENABLE. The first step may follow `StepTimingGuard.enableSettleTime` later.
    func enableMotor() throws {
        try lock.withLock {
            if closed { throw HardwareError(.enable, "backend is closed") }
            // HAZ-011: the backend's own interlock: no ENABLE while the e-stop input is active.
            if emergencyStopActive() { throw HardwareError(.enable, "refused: emergency stop input active") }
            if enabled { return }
            try sleep?.set(false, operation: .enable)
            try enable.set(true, operation: .enable)
            enabled = true
            timing.enabled(at: monotonicNow())
        }
    }

    /// De-asserts ENABLE (and puts the driver to sleep). Never throws; returns the first failure, if any.
    @discardableResult
    func disable() -> HardwareError? {
        lock.withLock { disableLocked() }
    }

    private func disableLocked() -> HardwareError? {
        // After shutDown() the lines may already be released: ENABLE is at its (disabled) pull.
        if closed { return nil }
        var failure: HardwareError?
        do { try enable.set(false, operation: .disable) } catch let e as HardwareError { failure = e } catch {
            failure = HardwareError(.disable, String(describing: error))
        }
        do { try sleep?.set(true, operation: .disable) } catch let e as HardwareError { failure = failure ?? e } catch {
            failure = failure ?? HardwareError(.disable, String(describing: error))
        }
        enabled = false
        timing.disabled()
        return failure
    }

    /// Sets DIR, honouring the hold time after the last step; records the change for the set-up time.
    func setDirection(_ newDirection: MotorDirection) throws {
        try lock.withLock {
            if closed { throw HardwareError(.direction, "backend is closed") }
            if newDirection == currentDirection { return }
            busyWait(until: timing.directionChangeStart(now: monotonicNow()))
            try direction.set(newDirection == .infuse, operation: .direction)
            currentDirection = newDirection
            timing.directionChanged(at: monotonicNow())
        }
    }

    /// Emits one STEP pulse: waits out DIR set-up and STEP low time (microseconds, busy), drives STEP high
    /// for `StepTimingGuard.stepHighTime`, then low. Refuses (throws) when disabled, settling or e-stopped.
    func emitStep() throws {
        try lock.withLock {
            if closed { throw HardwareError(.step, "backend is closed") }
            switch timing.stepStart(now: monotonicNow(), emergencyStopActive: emergencyStopActive()) {
            case .failure(let refusal):
                throw HardwareError(.step, refusal.description)
            case .success(let earliest):
                busyWait(until: earliest)
            }
            do {
                try step.set(true, operation: .step)
            } catch {
                try? step.set(false, operation: .step)
                throw error
            }
            busyWait(until: monotonicNow() + StepTimingGuard.stepHighTime)
            try step.set(false, operation: .step)
            timing.stepEnded(at: monotonicNow())
            stepsEmitted += 1
            netEmitted += currentDirection == .infuse ? 1 : -1
        }
    }

    /// Disables the motor for good: later calls throw. Returns a failure to de-assert ENABLE, if any.
    @discardableResult
    func shutDown() -> HardwareError? {
        lock.withLock {
            let failure = disableLocked()
            closed = true
            return failure
        }
    }
}
