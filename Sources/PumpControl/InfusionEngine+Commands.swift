// The engine's nurse commands: start, pause, resume, stop, e-stop, acknowledge, silence and titration. Each
// refusal is one sentence; every state change goes through the transition table.
import Foundation
import PumpCore

extension InfusionEngine {
    /// Starts a validated session. Refused unless idle, completed or stopped.
    public func start(_ newSession: InfusionSession) throws(EngineRefusal) {
        guard !state.hasOpenSession else {
            throw EngineRefusal("An infusion is already \(state.phrase); stop it before starting another.")
        }
        let now = scheduler.now()
        supervisor.beginSession(limits: newSession.limits, programmedTarget: newSession.targetSteps,
                                requiresLease: leaseRecorder != nil)
        session = newSession
        startedAt = now
        infusing.reset()
        advisory.removeAll()
        nearEndRaised = false
        nearEmptyRaised = false
        lastBackOff = .zero
        if let thresholds = newSession.vitalThresholds { vitalsWatch.thresholds = thresholds }
        vitalsWatch.resetReminders()
        emitter = makeEmitter(commanded: .zero)
        target = makeTarget(newSession, plannedEnd: now + MonotonicDuration(newSession.duration))
        do {
            try arm(now: now)
        } catch {
            supervisor.endSession()
            session = nil
            target = nil
            throw error
        }
        transition(.start, to: .running)
    }

    /// Pauses delivery (ENABLE off). Refused unless running.
    public func pause() throws(EngineRefusal) {
        guard state == .running else { throw EngineRefusal("The pump is \(state.phrase), not running; nothing to pause.") }
        emitter.stop()
        supervisor.disarm()
        pausedSince = scheduler.now()
        lastPausedReminder = nil
        transition(.pause, to: .paused)
    }

    /// Resumes a paused infusion. Refused unless paused and no alarm is latched.
    public func resume() throws(EngineRefusal) {
        guard state == .paused else { throw EngineRefusal("The pump is \(state.phrase), not paused; nothing to resume.") }
        if let empty = syringeEmptyPoint, supervisor.deliveredSteps >= empty, let session {
            throw EngineRefusal("Syringe \(session.syringe.index) is empty; load a new syringe and run pumpctl syringe-change.")
        }
        try refuseWhileBackingOff()
        try refuseWhileVitalsOutOfRange()
        try arm(now: scheduler.now())
        clearAdvisory(.pausedTooLong)
        pausedSince = nil
        transition(.resume, to: .running)
    }

    /// Ends the session before completion; the record is kept. Refused when no session is open.
    public func stop() throws(EngineRefusal) {
        guard state.hasOpenSession else { throw EngineRefusal("No infusion is open; nothing to stop.") }
        emitter.stop()
        supervisor.disarm()
        supervisor.endSession()
        pausedSince = nil
        transition(.stop, to: .stopped)
    }

    /// Latching emergency stop (always accepted).
    public func emergencyStop(source: String) {
        supervisor.emergencyStop(now: scheduler.now(), source: source)
        emitter.stop()
    }

    /// Acknowledges alarms (all, or one code). Latched alarms clear only when their condition is gone.
    public func acknowledge(_ code: AlarmCode?) throws(EngineRefusal) -> [AlarmCode] {
        // HAZ-015: the vital-sign alarm's condition is the newest reading; it is gone only when a newer reading
        // is back within the limits.
        if code == nil || code == .vitalsOutOfRange,
           supervisor.latchedAlarms.contains(where: { $0.code == .vitalsOutOfRange }) {
            let persisting = vitalsWatch.persistingBreaches
            if !persisting.isEmpty {
                throw EngineRefusal("Cannot acknowledge vitals-out-of-range: the newest vital signs are still out of range (\(persisting.map(\.message).joined(separator: " "))) Enter a new reading first.")
            }
        }
        var cleared: [AlarmCode] = []
        let advisoryMatches = advisory.filter { code == nil || $0.code == code }.map(\.code)
        advisory.removeAll { advisoryMatches.contains($0.code) }
        cleared += advisoryMatches
        if supervisor.isTripped, code == nil || supervisor.latchedAlarms.contains(where: { $0.code == code }) {
            switch supervisor.acknowledge(code) {
            case .cleared(let codes): cleared += codes
            case .refused(let reason): if advisoryMatches.isEmpty { throw EngineRefusal(reason) }
            }
        }
        guard !cleared.isEmpty else {
            throw EngineRefusal(code.map { "Alarm \($0.rawValue) is not active." } ?? "No alarm is active.")
        }
        emit(.alarmsAcknowledged(cleared))
        if state == .alarm, !supervisor.isTripped {
            pausedSince = scheduler.now()
            lastPausedReminder = nil
            transition(.acknowledge, to: .paused)
        }
        return cleared
    }

    /// Pauses the audible signal of the active alarms (one code, or all) for the configured time; the visual
    /// signal continues and the buzzer comes back by itself. Returns the codes paused and the end of the pause.
    public func silence(_ code: AlarmCode?) throws(EngineRefusal) -> (codes: [AlarmCode], until: MonotonicInstant) {
        let now = scheduler.now()
        let codes = signals.silence(code, active: activeAlarms, now: now)
        guard !codes.isEmpty else {
            throw EngineRefusal(code.map { "Alarm \($0.rawValue) is not active." } ?? "No alarm is active; there is nothing to silence.")
        }
        updateIndication()
        return (codes, now + signals.settings.audioPause)
    }

    /// Applies a re-validated titration atomically: new target steps, planned duration and nominal rate.
    public func titrate(targetSteps: Steps, duration: Minutes, nominalRate: MillilitersPerHour) throws(EngineRefusal) {
        guard let current = session, [.running, .paused].contains(state) else {
            throw EngineRefusal("Titration needs a running or paused infusion; the pump is \(state.phrase).")
        }
        guard targetSteps >= supervisor.deliveredSteps else {
            throw EngineRefusal("The new target is below what was already delivered.")
        }
        guard targetSteps <= current.limits.maxTotalSteps else {
            throw EngineRefusal("The new target exceeds the session cap of \(current.limits.maxTotalDose.formatted(maxFractionDigits: 2)).")
        }
        do { try supervisor.setProgrammedTarget(targetSteps) } catch { throw EngineRefusal(error.message) }
        var updated = current
        updated.targetSteps = targetSteps
        updated.duration = duration
        updated.nominalRate = nominalRate
        session = updated
        // The planned duration counts infusing time: what is left of it runs from now (pauses excluded).
        let now = scheduler.now()
        let left = MonotonicDuration(duration) - infusing.elapsed(at: now)
        target = makeTarget(updated, plannedEnd: now + (left > .zero ? left : .zero))
        nearEndRaised = false
        clearAdvisory(.nearEnd)
        if state == .running { controlStep(now: scheduler.now()) }
        emit(.titrated(status()))
    }
}
