// Occlusion evidence and the anti-bolus back-off (HAZ-004).
//
// The back-off runs in the gate's `retracting` mode only: DIR retract set by the gate, its own budget (the
// maximum back-off volume) and its own count. It starts only while an occlusion is latched and the gate is off,
// so it can never overlap an infusion; arming is refused until it ends. Every hardware error latches.
import Foundation

extension SafetySupervisor {
    /// Starts a back-off of at most `maxSteps`: allowed only while an occlusion alarm is latched (and no other),
    /// with the gate off. DIR retract, ENABLE on.
    public func beginBackOff(maxSteps: Steps) -> Bool {
        lock.lock()
        var tripped: Alarm?
        defer {
            lock.unlock()
            if let tripped { notify(tripped) }
        }
        guard latch.contains(.occlusion), latch.alarms.allSatisfy({ $0.code == .occlusion }), gate.mode == .off else {
            return false
        }
        do throws(GateEntryError) {
            try gate.enter(.retracting, retractBudget: maxSteps.count, hardware: hardware)
        } catch {
            if case .hardware(let detail) = error, configuration.isEnabled(.hardwareErrors) {
                tripped = latchLocked(.hardwareFailure, "The occlusion back-off could not start: \(detail).", clock.now())
            }
            return false
        }
        return true
    }

    /// One retract step of the back-off. False when the budget is used up, the mode is no longer retracting
    /// (a trip ended it) or the step failed (which latches).
    public func backOffStep() -> Bool {
        lock.lock()
        var tripped: Alarm?
        defer {
            lock.unlock()
            if let tripped { notify(tripped) }
        }
        switch gate.retractStep(hardware: hardware) {
        case .stepped: return true
        case .notAllowed: return false
        case .fault(let code, let message):
            if configuration.isEnabled(.hardwareErrors) { tripped = latchLocked(code, message, clock.now()) }
            return false
        }
    }

    /// Ends the back-off: ENABLE off, only if the gate is still retracting (it never ends another mode).
    public func endBackOff() {
        let alarm = lock.withLock { () -> Alarm? in
            guard gate.mode == .retracting, let error = gate.switchOff(hardware: hardware) else { return nil }
            return latchLocked(.hardwareFailure, "The motor could not be disabled after the back-off: \(error).", clock.now())
        }
        if let alarm { notify(alarm) }
    }

    /// The trend and the post-occlusion ceiling, with the lock held. Returns a new occlusion alarm, if any.
    func checkOcclusionEvidence(_ pressure: MillimetersOfMercury, now: MonotonicInstant) -> Alarm? {
        if trend.stillOccluded(pressure, at: now) {
            return latchOcclusion(
                "Line pressure rose again to \(pressure.formatted(maxFractionDigits: 0)) after an occlusion alarm: the line is still blocked.",
                pressure, now)
        }
        guard trend.add(pressure, deliveredSteps: Steps(gate.netSteps), at: now) else { return nil }
        return latchOcclusion(
            "Line pressure is still rising steadily (now \(pressure.formatted(maxFractionDigits: 0))): occlusion suspected.",
            pressure, now)
    }

    private func latchOcclusion(_ message: String, _ pressure: MillimetersOfMercury, _ now: MonotonicInstant) -> Alarm? {
        trend.rememberOcclusion()
        return latchLocked(.occlusion, message, now)
    }
}
