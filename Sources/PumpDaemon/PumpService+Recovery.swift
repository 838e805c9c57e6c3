// HAZ-010: an open session in the journal comes back `interrupted`, never running.
//
// What is recovered comes from the journal alone and exactly as written (safety kernel v2 items 3 and 5):
// - the plan revision in force: the newest titration event's revision, else the start's, WHOLE (not re-derived
//   from the original request; resume-interrupted still re-validates the request against today's library, but only
//   as a gate);
// - the delivered count (last checkpoint, plus as unknown what the last durable lease allowed beyond it);
// - the syringe in force: the newest `syringe-change` record (index, fill, count it was loaded at), else the
//   program's first syringe;
// - the infusing-elapsed time (pauses excluded) from the last checkpoint, a duration, so no clock of the previous
//   boot and no wall clock reaches control.
// A recovered session that no longer validates, or whose drug profile is gone from the library, still comes back
// `interrupted` with the motor gate closed (no cap allows a step), so a nurse can `stop` it and the record closes.
import Foundation
import PumpControl
import PumpCore
import PumpJournal

extension PumpService {
    func recoverInterruptedSession() throws {
        guard let journal, let recovered = try journal.recoverOpenSession() else { return }
        let sessionEvents = try journal.events(session: recovered.id)
        let titrations = sessionEvents.filter { $0.event.kind == .titration }
        // The syringe in force: the newest syringe-change record (journaled before motion resumed from it).
        let syringeInForce = sessionEvents.last { $0.event.kind == .syringeChange }.flatMap { SyringeChangeRecord.decode($0.event.details) }
        let record = titrations.last.flatMap { ProgramRecord.decode($0.event.details) }
            ?? ProgramRecord.decode(recovered.start.program)
        guard let record, let plan = record.plan ?? legacyPlan(record) else {
            logger.critical("interrupted session \(recovered.id) has an unreadable program record; it can only be stopped")
            try journal.markInterrupted(recovered.id, monotonic: scheduler.now(), wall: wallClock())
            activeSession = ActiveSession(id: recovered.id, plan: nil, record: record, uncertainty: .zero, resumable: false)
            return
        }
        let profile = planner.drugs.drug(named: plan.drug)?.profile(id: plan.profileID)
        // The supervisor's caps again from the raw request and its own libraries, and the journaled plan checked
        // against them.
        let caps = try? supervisorCaps(for: record.request).get()
        let capsAccept = caps.map { $0.refusal(geometry: plan.geometry, concentration: plan.concentration, targetSteps: plan.targetSteps) == nil } ?? false
        let resumable = profile != nil && capsAccept && planner.validate(record.request).verdict == .accepted
        let pumpMaxRate = engine.configuration.supervisor.pumpMaxRate
        var session = Self.closedGateSession(id: String(recovered.id.rawValue), plan: plan, delivered: recovered.delivered.steps)
        if let profile, let caps, capsAccept {
            session = InfusionSession(id: String(recovered.id.rawValue), plan: plan, profile: profile, pumpMaxRate: pumpMaxRate)
            session.limits = caps.limits
        }
        if let syringeInForce { session.syringe = syringeInForce.load }
        // The recovered session keeps the vital-sign interlock (the first version left it off after a restart).
        session.vitalThresholds = vitalThresholds(forDrug: plan.drug)
        // The journalled lease bounds what can have gone unrecorded since the last checkpoint. A journal written
        // before leases existed falls back to one checkpoint interval at the capped rate plus the rate limiter's
        // burst. Neither can take the count past the target. An uncertainty an earlier recovery carried stays
        // unknown, it never becomes delivered.
        var fresh = recovered.leasedUncertainty ?? .zero
        if recovered.wasInfusing, recovered.leasedUncertainty == nil {
            let interval = engine.configuration.checkpointInterval.seconds
            fresh = Steps(CheckedConversion.saturating(session.limits.maxStepRate.value * interval, .up)
                          + CheckedConversion.saturating(engine.configuration.supervisor.rateBurstSteps, .up))
        }
        let counted = recovered.delivered.steps
        fresh = Steps(min(fresh.count, max(0, plan.targetSteps.count - counted.count)))
        let known = recovered.knownSteps
        let uncertainty = recovered.carriedUncertainty + fresh
        let infusingElapsed = recovered.infusingElapsed ?? .zero
        // The simulator's fresh plant holds what is left in the syringe in force.
        simulator?.load(plan.geometry, fill: session.syringe.contentsLeft(plan.geometry, delivered: known + uncertainty))
        scheduler.syncOnControl {
            engine.restoreInterrupted(session, delivered: known + uncertainty, infusingElapsed: infusingElapsed)
        }
        activeSession = ActiveSession(id: recovered.id, plan: plan, record: record, uncertainty: uncertainty, resumable: resumable)
        restorePlasmaHistory(recovered.id, plan: plan, journal: journal)
        try journal.markInterrupted(
            recovered.id, monotonic: scheduler.now(), wall: wallClock(),
            summary: "Came back interrupted after a restart at plan revision \(plan.revision): \((plan.geometry.volume(for: known) * plan.concentration).formatted(maxFractionDigits: 3)) known delivered at the last checkpoint, up to \(plan.geometry.volume(for: uncertainty).formatted(maxFractionDigits: 3)) more unknown.")
        if !resumable { logger.error("interrupted session \(recovered.id) no longer validates; it can only be stopped") }
        logger.warning("recovered interrupted session \(recovered.id): motor off, waiting for resume-interrupted or stop")
    }

    /// A journal written before plan revisions were stored: re-derive the plan from the request and take the
    /// revision's motor numbers from the record (the first version's rule, kept only to read old journals).
    private func legacyPlan(_ record: ProgramRecord) -> DosePlan? {
        guard var plan = planner.validate(record.request).plan else { return nil }
        plan.targetSteps = Steps(record.targetSteps)
        plan.duration = Minutes(record.plannedDurationMin)
        plan.nominalRate = MillilitersPerHour(record.nominalRateMLPerHour)
        plan.revision = record.revision
        return plan
    }

    /// A session whose caps allow no step beyond what was delivered (its profile is gone from the library).
    static func closedGateSession(id: String, plan: DosePlan, delivered: Steps) -> InfusionSession {
        let limits = SupervisorLimits(
            maxStepRate: .zero, maxRate: .zero, maxTotalSteps: delivered, maxTotalDose: plan.geometry.volume(for: delivered) * plan.concentration,
            maxTotalVolume: plan.geometry.volume(for: delivered), volumePerStep: plan.geometry.volumePerStep,
            concentration: plan.concentration)
        return InfusionSession(
            id: id, drug: plan.drug, profile: plan.profileID, patientID: plan.patient.patientID, dosingWeight: plan.dosingWeight,
            concentration: plan.concentration, geometry: plan.geometry, targetSteps: plan.targetSteps, duration: plan.duration,
            nominalRate: plan.nominalRate, catchUpFactor: plan.catchUpFactor, nearEndWarning: plan.nearEndWarning,
            pausedReminder: plan.pausedReminder, limits: limits)
    }

    /// The plasma estimate's history from the checkpoints, placed on this boot's monotonic line by their wall-clock
    /// age. Display only: nothing acts on the estimate, so HAZ-012 does not apply.
    private func restorePlasmaHistory(_ id: SessionID, plan: DosePlan, journal: Journal) {
        let now = scheduler.now(), wallNow = wallClock()  // wall-clock: display-only plasma estimate history
        let checkpoints = (try? journal.checkpoints(session: id)) ?? []
        let history = checkpoints.map {
            CumulativeDoseSample(at: now - .seconds(max(0, wallNow.timeIntervalSince($0.wall)) * scheduler.speed), cumulative: $0.delivered.dose)  // wall-clock: display-only plasma estimate history
        }
        plasma.begin(model: plasmaModel(forDrug: plan.drug), bodyWeight: plan.patient.weight, at: now, history: history)
    }
}
