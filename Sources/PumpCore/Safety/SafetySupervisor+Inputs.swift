// The supervisor's checks of what the pump reports: heartbeat and watchdog (HAZ-008), input snapshots
// (switches, pressure, trend, commanded-vs-measured position), asynchronous input edges, the emergency stop
// (HAZ-011) and the acknowledge rule.
import Foundation

extension SafetySupervisor {
    /// Reports that the control loop is alive, with the controller's own count of commanded steps and the
    /// rate it is commanding. A commanded rate above the supervisor's cap trips at once (HAZ-001).
    public func heartbeat(now: MonotonicInstant, commandedSteps: Steps, commandedRate: StepsPerSecond = .zero) {
        lock.lock()
        var tripped: Alarm?
        defer {
            lock.unlock()
            if let tripped { notify(tripped) }
        }
        lastHeartbeat = now
        let armed = gate.mode == .infusing
        if armed, configuration.isEnabled(.rateCap), let limits,
           commandedRate.value > limits.maxStepRate.value * (1 + 1e-6) {
            let rate = limits.maxRate.value * commandedRate.value / limits.maxStepRate.value
            tripped = latchLocked(.rateCapExceeded,
                "The controller commanded \(MillilitersPerHour(rate).formatted(maxFractionDigits: 2)), above the cap of \(limits.maxRate.formatted(maxFractionDigits: 2)); the pump was stopped.", now)
            return
        }
        let counted = gate.netSteps
        if armed, configuration.isEnabled(.stepMismatch),
           abs(commandedSteps.count - counted) > configuration.stepMismatchTolerance {
            tripped = latchLocked(.stepMismatch,
                "Commanded \(commandedSteps.count) steps but the supervisor counted \(counted); delivery is uncertain.", now)
        }
    }

    /// The independent watchdog: trips when the control loop's heartbeat is too old while armed.
    public func checkWatchdog(now: MonotonicInstant) {
        lock.lock()
        var tripped: Alarm?
        defer {
            lock.unlock()
            if let tripped { notify(tripped) }
        }
        guard gate.mode == .infusing, configuration.isEnabled(.heartbeat), let beat = lastHeartbeat,
              heartbeatIsStale(beat, now) else { return }
        tripped = latchLocked(.heartbeatMissed, heartbeatMessage(beat, now), now)
    }

    /// Checks a fresh input snapshot: switches, pressure, trend and commanded-vs-measured position.
    public func evaluate(_ inputs: PumpInputs, now: MonotonicInstant) {
        lock.lock()
        var tripped: [Alarm] = []
        defer {
            lock.unlock()
            tripped.forEach(notify)
        }
        let moving = gate.mode != .off
        for condition in InputEvaluation.blockingConditions(inputs, configuration)
        where moving || condition.code == .emergencyStop {
            // While retracting, the occlusion that started the back-off is the reason for it, not a new trip.
            if gate.mode == .retracting, condition.code == .occlusion { continue }
            if condition.code == .occlusion, !latch.contains(.occlusion) {
                trend.rememberOcclusion()
            }
            if let alarm = latchLocked(condition.code, condition.message, now) { tripped.append(alarm) }
        }
        guard gate.mode == .infusing, let limits else { return }
        if configuration.isEnabled(.occlusionTrend), let pressure = inputs.linePressure {
            if let alarm = checkOcclusionEvidence(pressure, now: now) { tripped.append(alarm) }
        }
        if configuration.isEnabled(.stepMismatch), let measured = inputs.measuredSteps {
            let counted = gate.netSteps
            let baseline = measurementBaseline ?? (measured.count, counted)
            measurementBaseline = baseline
            let moved = measured.count - baseline.measured, commanded = counted - baseline.counted
            // A measurement (an encoder read by its own thread) may lag by up to one sample period: the motion
            // must lie between the count at the previous sample and now, ± the tolerance.
            let earlier = (measurementPreviousCounted ?? counted) - baseline.counted
            measurementPreviousCounted = counted
            let tolerance = configuration.stepMismatchTolerance
            if moved < min(earlier, commanded) - tolerance || moved > max(earlier, commanded) + tolerance,
               let alarm = latchLocked(.stepMismatch,
                "The plunger moved \(moved) steps but \(commanded) were commanded (\(limits.volume(of: Steps(abs(moved - commanded))).formatted(maxFractionDigits: 3)) unaccounted): stall or lost steps.", now) {
                tripped.append(alarm)
            }
        }
    }

    /// Handles an asynchronous input edge from the backend (any thread).
    public func handle(_ event: PumpInputEvent) {
        let now = clock.now()
        switch event {
        case .emergencyStopPressed:
            emergencyStop(now: now, source: "the emergency-stop button")
        case .syringeRemoved:
            tripIfMoving(.syringePresence, .syringeRemoved, "The syringe was removed from the pump.", now)
        case .plungerUnclamped:
            tripIfMoving(.plungerClamp, .plungerUnclamped, "The plunger is no longer clamped (free-flow risk).", now)
        case .endOfTravelReached:
            tripIfMoving(.endOfTravel, .endOfTravel, "The plunger reached its end of travel: the syringe is empty.", now)
        case .occlusionSwitchClosed:
            guard motorMode == .infusing else { return }
            tripIfMoving(.occlusionPressure, .occlusion, "The occlusion pressure switch closed.", now)
        case .sensorFault(let fault):
            tripIfMoving(InputEvaluation.check(for: fault.code), fault.code, fault.message, now)
        }
    }

    /// Latching emergency stop: ENABLE off first, always, even when already tripped.
    public func emergencyStop(now: MonotonicInstant, source: String) {
        try? hardware.setMotorEnabled(false)
        trip(.emergencyStop, "Emergency stop from \(source).", now: now)
    }

    /// Latches an alarm: ENABLE off first, gate off, listeners told. Idempotent per code.
    public func trip(_ code: AlarmCode, _ message: String, now: MonotonicInstant) {
        let alarm = lock.withLock { latchLocked(code, message, now) }
        if let alarm { notify(alarm) }
    }

    /// Clears latched alarms (all, or one code). The rule: every blocking input is clear, read fresh from the
    /// hardware now (not a cached snapshot). Never re-arms the motor.
    public func acknowledge(_ code: AlarmCode? = nil) -> AcknowledgeOutcome {
        let inputs: PumpInputs
        do { inputs = try hardware.readInputs() } catch {
            return .refused("The pump's inputs could not be read (\(error)); nothing was acknowledged.")
        }
        return lock.withLock {
            let targets = latch.targets(of: code)
            guard !targets.isEmpty else {
                return .refused(code.map { "Alarm \($0.rawValue) is not active." } ?? "No alarm is active.")
            }
            let blocking = InputEvaluation.blockingConditions(inputs, configuration)
            if !blocking.isEmpty {
                let names = targets.map(\.code.rawValue).joined(separator: ", ")
                return .refused("Cannot acknowledge \(names): \(InputEvaluation.sentence(blocking))")
            }
            let cleared = targets.map(\.code)
            latch.clear(cleared)
            return .cleared(cleared)
        }
    }

    /// Reads every input through the backend and checks it. A read failure is uncertain delivery.
    @discardableResult
    public func sampleInputs(now: MonotonicInstant) -> PumpInputs? {
        let inputs: PumpInputs
        do {
            inputs = try hardware.readInputs()
        } catch {
            if motorMode != .off, configuration.isEnabled(.hardwareErrors) {
                trip(.hardwareFailure, "The pump's inputs could not be read: \(error).", now: now)
            }
            return nil
        }
        evaluate(inputs, now: now)
        return inputs
    }

    private func tripIfMoving(_ check: SafetyCheck, _ code: AlarmCode, _ message: String, _ now: MonotonicInstant) {
        guard configuration.isEnabled(check), motorMode != .off else { return }
        trip(code, message, now: now)
    }
}
