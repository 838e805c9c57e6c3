// The supervisor's session and arming: caps and programmed target for a session (from the journal's recovery or a
// new start), latches restored after a restart, the durable lease's grants, and entering and leaving the gate's
// infusing mode. Arming reads the inputs fresh and is refused while tripped, while retracting, without a session
// or while any input blocks delivery.
import Foundation

extension SafetySupervisor {
    /// Installs the caps and the programmed target for a session. `alreadyDelivered` carries steps delivered
    /// before a restart (the journal's recovery is its only source). With `requiresLease`, no step passes beyond
    /// the ceiling granted by `grantDeliveryLease`.
    public func beginSession(limits: SupervisorLimits, programmedTarget: Steps? = nil, alreadyDelivered: Steps = .zero,
                             requiresLease: Bool = false) {
        lock.withLock {
            self.limits = limits
            gate.beginCount(alreadyDelivered: alreadyDelivered.count)
            gate.programmedTarget = programmedTarget.map { min($0.count, limits.maxTotalSteps.count) }
            leaseRequired = requiresLease
            trend.reset()
            revokeLeaseLocked()
        }
    }

    /// Moves the programmed target (a journaled titration). Refused below the count or above the session cap.
    public func setProgrammedTarget(_ target: Steps) throws(SupervisorRefusal) {
        lock.lock()
        defer { lock.unlock() }
        guard let limits else { throw SupervisorRefusal(message: "No infusion is programmed.") }
        guard target.count >= gate.netSteps else {
            throw SupervisorRefusal(message: "The new target is below what was already delivered.")
        }
        guard target <= limits.maxTotalSteps else {
            throw SupervisorRefusal(message: "The new target exceeds the session cap of \(limits.maxTotalDose.formatted(maxFractionDigits: 2)).")
        }
        gate.programmedTarget = target.count
    }

    /// Restores latched alarms found in the journal after a restart (they block arming until acknowledged).
    public func restoreLatched(_ alarms: [Alarm]) {
        lock.withLock {
            gate.switchOff(hardware: hardware)
            latch.restore(alarms.filter { $0.code.stopsDelivery })
            if !latch.isEmpty { try? hardware.setAlarmIndication(.high) }
        }
    }

    /// Raises the lease ceiling to `ceiling` net steps, if `generation` is still current. Returns whether the
    /// grant was honoured.
    @discardableResult
    public func grantDeliveryLease(upTo ceiling: Steps, generation: UInt64) -> Bool {
        lock.withLock {
            guard leaseRequired, gate.mode == .infusing, generation == leaseGeneration else { return false }
            leaseCeiling = max(leaseCeiling, ceiling.count)
            return true
        }
    }

    /// Ends the session: ENABLE off, caps and target removed.
    public func endSession() {
        disarm()
        lock.withLock {
            limits = nil
            gate.programmedTarget = nil
        }
    }

    /// Reads the inputs fresh, sets DIR to infuse and asserts ENABLE. Refused while tripped, while retracting,
    /// without a session or while any input blocks delivery.
    public func arm(now: MonotonicInstant) throws(SupervisorRefusal) {
        let inputs: PumpInputs
        do { inputs = try hardware.readInputs() } catch {
            throw SupervisorRefusal(message: "The pump's inputs could not be read (\(error)); the motor stays off.")
        }
        lock.lock()
        defer { lock.unlock() }
        guard let limits else { throw SupervisorRefusal(message: "No infusion is programmed.") }
        if let first = latch.alarms.first {
            throw SupervisorRefusal(message: "Alarm \(first.code.rawValue) is active; acknowledge it first.")
        }
        if gate.mode == .retracting {
            throw SupervisorRefusal(message: "The occlusion back-off is still relieving the line; resume when it ends.")
        }
        let blocking = InputEvaluation.blockingConditions(inputs, configuration)
        if !blocking.isEmpty { throw SupervisorRefusal(message: InputEvaluation.sentence(blocking)) }
        do throws(GateEntryError) {
            try gate.enter(.infusing, hardware: hardware)
        } catch {
            if case .hardware(let detail) = error {
                latchLocked(.hardwareFailure, "Delivery is uncertain: \(detail).", now)
                throw SupervisorRefusal(message: "The motor could not be enabled: \(detail).")
            }
            throw SupervisorRefusal(message: "The motor is busy (\(gate.mode.rawValue)); resume when it is off.")
        }
        revokeLeaseLocked()
        measurementBaseline = nil
        measurementPreviousCounted = nil
        limiter = StepRateLimiter(rate: limits.maxStepRate, burst: configuration.rateBurstSteps, now: now)
        lastHeartbeat = now
    }

    /// Why `arm` would refuse now (a latched alarm, a back-off still retracting, or a blocking input read fresh),
    /// or nil. Read-only: nothing is latched or moved (the daemon asks before it opens a session).
    public func armingRefusal() -> SupervisorRefusal? {
        let inputs: PumpInputs
        do { inputs = try hardware.readInputs() } catch {
            return SupervisorRefusal(message: "The pump's inputs could not be read (\(error)).")
        }
        return lock.withLock {
            if let first = latch.alarms.first {
                return SupervisorRefusal(message: "Alarm \(first.code.rawValue) is active; acknowledge it first.")
            }
            if gate.mode == .retracting {
                return SupervisorRefusal(message: "The occlusion back-off is still relieving the line; resume when it ends.")
            }
            let blocking = InputEvaluation.blockingConditions(inputs, configuration)
            return blocking.isEmpty ? nil : SupervisorRefusal(message: InputEvaluation.sentence(blocking))
        }
    }

    /// Leaves the infusing mode (pause, stop, completion): ENABLE off. A retracting back-off is left alone (it
    /// ends itself). Never fails: a failed disable is latched as a hardware failure.
    public func disarm() {
        let alarm = lock.withLock { () -> Alarm? in
            guard gate.mode == .infusing else { return nil }
            revokeLeaseLocked()
            guard let error = gate.switchOff(hardware: hardware) else { return nil }
            return latchLocked(.hardwareFailure, "The motor could not be disabled: \(error).", clock.now())
        }
        if let alarm { notify(alarm) }
    }

    /// Everything off, whatever the mode (daemon shutdown).
    public func allOff() {
        lock.withLock {
            revokeLeaseLocked()
            gate.switchOff(hardware: hardware)
        }
    }
}
