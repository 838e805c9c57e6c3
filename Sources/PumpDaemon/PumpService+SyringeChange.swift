// `syringe-change` (issue 14 item 2): a new syringe for the paused program. Re-checks the syringe model and the
// concentration against the program, checks the fill, answers what follows (unconfirmed), and when confirmed
// journals the change durably, restarts the simulator's plunger for the new syringe, and only then lets the
// engine load it and resume (durable facts before motion). Totals stay cumulative; the supervisor's caps are
// per program.
import Foundation
import PumpControl
import PumpCore
import PumpJournal
import PumpProtocol

extension PumpService {
    func syringeChange(_ parameters: SyringeChangeParameters, actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        guard let plan = activeSession.plan, activeSession.id != nil else {
            return .failure(ProtocolError(code: .invalidState, message: "No infusion is open; there is no syringe to change."))
        }
        guard planner.syringes.syringe(id: parameters.syringe) != nil else {
            return .failure(ProtocolError(code: .refused, message:
                "Syringe \"\(parameters.syringe)\" is not in the syringe library; known syringes: \(planner.syringes.syringes.map(\.id).joined(separator: ", "))."))
        }
        guard parameters.syringe == plan.syringe.id else {
            return .failure(ProtocolError(code: .refused, message:
                "Syringe \(parameters.syringe) is not the program's \(plan.syringe.id): its motor steps and caps are computed for \(plan.syringe.id); load a \(plan.syringe.id)."))
        }
        if let stated = parameters.concentrationMgPerMl, MilligramsPerMilliliter(stated) != plan.concentration {
            return .failure(ProtocolError(code: .refused, message:
                "The new syringe's concentration \(MilligramsPerMilliliter(stated)) is not the program's \(plan.concentration); load a syringe of \(plan.drug) \(plan.concentration)."))
        }
        let fill = parameters.fillMl.map(Milliliters.init) ?? plan.syringe.nominalVolume
        let margin = engine.configuration.syringeAlarms.emptyMargin
        guard fill.value.isFinite, fill.value > 0 else {
            return .failure(ProtocolError(code: .badRequest, message: "Fill volume (\(fill.value)) is not a positive number and is rejected."))
        }
        guard fill <= plan.syringe.nominalVolume else {
            return .failure(ProtocolError(code: .refused, message:
                "Fill volume \(fill.formatted(maxFractionDigits: 2)) is more than the \(plan.syringe.nominalVolume) capacity of syringe \(plan.syringe.id)."))
        }
        guard fill > plan.syringe.deadSpace + margin else {
            return .failure(ProtocolError(code: .refused, message:
                "Fill volume \(fill.formatted(maxFractionDigits: 2)) is not more than the dead space and the syringe-empty margin (\((plan.syringe.deadSpace + margin).formatted(maxFractionDigits: 2))) of syringe \(plan.syringe.id); nothing could be delivered."))
        }
        let (refusal, status, now) = scheduler.syncOnControl { (engine.syringeChangeRefusal(), engine.status(), scheduler.now()) }
        if let refusal { return .failure(ProtocolError(code: .invalidState, message: refusal.message)) }
        guard let session = status.session else {
            return .failure(ProtocolError(code: .invalidState, message: "No infusion is open; there is no syringe to change."))
        }
        let load = SyringeLoad(index: session.syringe.index + 1, fill: fill, loadedAtSteps: status.deliveredSteps)
        let summary = Self.syringeChangeSummary(load, session: session, status: status, margin: margin, monotonicNow: now,
                                                wallNow: wallClock(), speed: scheduler.speed)
        guard parameters.confirmed else { return .success(.syringeChange(summary)) }

        let record = SyringeChangeRecord(load, syringe: plan.syringe.id, deliveredML: summary.deliveredMl, deliveredMG: summary.deliveredMg)
        guard writeEventDurably(.syringeChange, actor: actor,
                "Syringe \(load.index) (\(plan.syringe.id), \(fill.formatted(maxFractionDigits: 2)) filled) loaded by \(actor.name) after \(Milligrams(summary.deliveredMg).formatted(maxFractionDigits: 2)) (\(Milliliters(summary.deliveredMl).formatted(maxFractionDigits: 2))) delivered; \(Milligrams(summary.remainingMg).formatted(maxFractionDigits: 2)) (\(Milliliters(summary.remainingMl).formatted(maxFractionDigits: 2))) to go.",
                details: record.encoded()) else {
            return .failure(ProtocolError(code: .refused, message: "The journal could not record the syringe change; nothing was changed."))
        }
        // The simulated plant's plunger restarts at the new syringe's start of travel (the motor is off: paused).
        simulator?.changeSyringe(fill: fill)
        let engineRefusal = runEngine { (engine) throws(EngineRefusal) in try engine.changeSyringe(fill: fill, expectedLoadedAt: load.loadedAtSteps) }
        if let engineRefusal {
            let inForce = scheduler.syncOnControl { engine.session?.syringe }
            if let inForce, inForce.index != load.index {
                // Not loaded: the journal's newest syringe-change restates the syringe still in force.
                writeEvent(.syringeChange, actor: actor, "Syringe change not applied (\(engineRefusal.message)); syringe \(inForce.index) stays in force.",
                           details: SyringeChangeRecord(inForce, syringe: plan.syringe.id, deliveredML: summary.deliveredMl,
                                                        deliveredMG: summary.deliveredMg, applied: false).encoded())
            }
            return .failure(ProtocolError(code: .refused, message: engineRefusal.message))
        }
        return .success(.status(statusReport()))
    }

    /// What loading `load` into `session` now leads to.
    static func syringeChangeSummary(_ load: SyringeLoad, session: InfusionSession, status: EngineStatus, margin: Milliliters,
                                     monotonicNow: MonotonicInstant, wallNow: Date, speed: Double) -> SyringeChangeSummary {
        let geometry = session.geometry
        let remainingSteps = Steps(max(0, session.targetSteps.count - status.deliveredSteps.count))
        let remaining = geometry.volume(for: remainingSteps)
        let empty = load.emptyPoint(geometry, target: session.targetSteps, margin: margin)
        let fromThis = empty.map { geometry.volume(for: Steps(max(0, $0.count - status.deliveredSteps.count))) } ?? remaining
        return SyringeChangeSummary(
            syringeIndex: load.index, syringe: geometry.syringe.id, fillMl: load.fill.value,
            concentrationMgPerMl: session.concentration.value,
            deliveredMg: status.deliveredDose.value, deliveredMl: status.deliveredVolume.value,
            remainingMg: (remaining * session.concentration).value, remainingMl: remaining.value,
            fromThisSyringeMl: fromThis.value, anotherChangeNeeded: empty != nil,
            expectedEnd: status.expectedEnd.map { wallNow.addingTimeInterval(max(0, ($0 - monotonicNow).seconds) / speed) })
    }
}
