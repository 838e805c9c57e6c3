// After a restart: the interrupted session, latches and vital signs restored from the journal, and
// resume-interrupted, refused while a latch stands, a back-off runs or the newest vitals are out of range.
import Foundation
import PumpCore

extension InfusionEngine {
    /// Restores a session found open in the journal after a restart: motor off, state `interrupted`.
    /// `infusingElapsed` is the journaled infusing time (a duration; no clock of the previous boot, no wall clock).
    public func restoreInterrupted(_ restored: InfusionSession, delivered: Steps, infusingElapsed: MonotonicDuration) {
        emitter.stop()
        supervisor.disarm()
        supervisor.beginSession(limits: restored.limits, programmedTarget: restored.targetSteps, alreadyDelivered: delivered,
                                requiresLease: leaseRecorder != nil)
        session = restored
        startedAt = scheduler.now() - infusingElapsed
        infusing.reset(to: infusingElapsed)
        emitter = makeEmitter(commanded: delivered)
        target = nil
        transition(.restoreInterrupted, to: .interrupted)
    }

    /// Finishes an interrupted session's remaining dose at its nominal rate (after explicit confirmation).
    /// Refused, with the same sentences as `resume`, while any alarm is latched (restored ones included) or
    /// while the newest vital signs are out of range.
    public func resumeInterrupted() throws(EngineRefusal) {
        guard state == .interrupted, let restored = session else {
            throw EngineRefusal("Nothing is interrupted; the pump is \(state.phrase).")
        }
        if let first = supervisor.latchedAlarms.first {
            throw EngineRefusal("Alarm \(first.code.rawValue) is active; acknowledge it first.")
        }
        try refuseWhileBackingOff()
        try refuseWhileVitalsOutOfRange()
        let now = scheduler.now()
        let remaining = restored.geometry.volume(for: restored.targetSteps - supervisor.deliveredSteps)
        let remainingTime = remaining / restored.nominalRate
        target = makeTarget(restored, plannedEnd: now + MonotonicDuration(remainingTime))
        try arm(now: now)
        transition(.resumeInterrupted, to: .running)
    }

    /// HAZ-004: no resume while the occlusion back-off still runs (the gate refuses arming while it retracts too).
    func refuseWhileBackingOff() throws(EngineRefusal) {
        if backOffInProgress || supervisor.motorMode == .retracting {
            throw EngineRefusal("The occlusion back-off is still relieving the line; resume when it ends.")
        }
    }

    /// HAZ-015: no resume of either kind while the newest reading is past a pause limit (interlock on).
    func refuseWhileVitalsOutOfRange() throws(EngineRefusal) {
        guard session?.vitalThresholds != nil else { return }
        let persisting = vitalsWatch.persistingBreaches
        guard persisting.isEmpty else {
            throw EngineRefusal("The newest vital signs are out of range (\(persisting.map(\.message).joined(separator: " "))) Enter a new reading first.")
        }
    }

    /// Restores latched alarms from the journal after a restart: the supervisor holds them (motor off, arming
    /// refused) until each is acknowledged; an open session goes to `alarm` unless it is `interrupted`.
    public func restoreLatched(_ alarms: [Alarm]) {
        emitter.stop()
        supervisor.restoreLatched(alarms)
        if state.hasOpenSession, state != .interrupted, state != .alarm { transition(.trip, to: .alarm) }
        updateIndication()
    }

    /// Raises an advisory (non-latching) alarm from the composition root, e.g. `clock-invalid` at start-up.
    public func raiseNotice(_ code: AlarmCode, _ message: String) {
        guard !code.stopsDelivery else { return }
        raiseAdvisory(code, message, scheduler.now())
    }

    /// Clears an advisory alarm raised with `raiseNotice` once its condition is gone (e.g. `library-invalid` after
    /// the library file was restored).
    public func clearNotice(_ code: AlarmCode) {
        guard advisory.contains(where: { $0.code == code }) else { return }
        clearAdvisory(code)
        updateIndication()
    }

    /// The message of the active advisory alarm with `code`, if one is active.
    public func noticeMessage(_ code: AlarmCode) -> String? { advisory.first { $0.code == code }?.message }

    /// Restores the newest vital-sign reading found in the journal after a restart. Nothing acts on it by itself:
    /// it is the condition `acknowledge` and `resume-interrupted` check, and the pre-start check's input.
    public func restoreVitals(_ reading: VitalSigns) {
        vitalsWatch = VitalsWatch(thresholds: vitalsWatch.thresholds, latest: reading)
    }

    /// Sets the vital-sign limits used between sessions (a session's own limits replace them at start).
    public func configureVitals(_ thresholds: VitalSignThresholds) { vitalsWatch.thresholds = thresholds }

    /// Records a vital-sign reading (HAZ-015). During an open infusion (running, paused or already in alarm)
    /// with the interlock on, a reading past a pause limit latches `vitals-out-of-range`: motor off, state alarm. A fresh reading
    /// clears the staleness reminder. Never starts or resumes anything.
    @discardableResult
    public func recordVitals(_ vitals: VitalSigns) -> VitalsAssessment {
        let breaches = vitalsWatch.record(vitals)
        if advisory.contains(where: { $0.code == .vitalsStale }) {
            clearAdvisory(.vitalsStale)
            updateIndication()
        }
        let interlockOn = session?.vitalThresholds != nil && [.running, .paused, .alarm].contains(state)
        guard interlockOn, !breaches.isEmpty else {
            return VitalsAssessment(breaches: breaches, paused: false, state: state)
        }
        emitter.stop()
        supervisor.trip(.vitalsOutOfRange,
                        "Infusion paused by the vital-sign interlock: \(breaches.map(\.message).joined(separator: " "))",
                        now: scheduler.now())
        return VitalsAssessment(breaches: breaches, paused: true, state: state)
    }
}
