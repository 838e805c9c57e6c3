// `double_check = "required"`: the wait after start, `verify` by a second person, the timeout, and stop while
// waiting. Both identities (SO_PEERCRED) are journaled, so the session report shows who started and who checked.
import Foundation
import PumpControl
import PumpCore
import PumpJournal
import PumpProtocol

extension PumpService {
    /// Parks a validated program until a second person verifies it (motor off, engine idle, no session yet).
    func awaitDoubleCheck(_ start: PendingStart, actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        let minutes = configuration.doubleCheckTimeoutMin
        let deadline = scheduler.now() + .seconds(minutes * 60)
        let serial = doubleChecks.nextSerial()
        var pending = PendingDoubleCheck(serial: serial, start: start, starter: actor, deadline: deadline)
        pending.timer = scheduler.schedule(at: deadline) { [weak self] in self?.expireDoubleCheck(serial) }
        doubleChecks.begin(pending)
        metrics?.requestWrite()  // awaiting-check is a state of the service, not of the engine
        let plan = start.plan
        journalCheck(actor,
                   "Started by \(actor.name) (uid \(actor.uid.map(String.init) ?? "?")): \(plan.drug) \(plan.profileID) \(plan.totalDose.formatted(maxFractionDigits: 2)) at \(plan.nominalRate.formatted(maxFractionDigits: 2)); awaiting an independent double check by a second nurse within \(String(format: "%g", minutes)) min, motor off.",
                   details: JournalRecorder.json(["stage": "awaiting", "started_by": actor.name, "started_by_uid": actor.uid ?? 0]))
        return .success(.status(statusReport()))
    }

    /// `verify`: without confirmation the program the starter saw; with it, from a different uid, the start.
    func verify(confirmed: Bool, actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        guard let waiting = doubleChecks.pending else {
            return .failure(ProtocolError(code: .invalidState, message: "No infusion is awaiting an independent double check."))
        }
        guard actor.uid != waiting.starter.uid else {
            journalCheck(actor, "Double check refused: \(actor.name) started this infusion and cannot also check it.",
                       details: JournalRecorder.json(["stage": "refused-same-person", "uid": actor.uid ?? 0]))
            return .failure(ProtocolError(code: .refused, message: "The double check must be made by a second person: \(waiting.starter.name) (uid \(waiting.starter.uid.map(String.init) ?? "?")) started this infusion; a different nurse must run pumpctl verify."))
        }
        let now = scheduler.now()
        guard confirmed else {
            let plan = waiting.start.plan
            return .success(.program(WireMapping.summary(plan, findings: waiting.start.findings, remaining: plan.duration,
                                                         wallNow: wallClock(), speed: scheduler.speed)))
        }
        guard now < waiting.deadline, let taken = doubleChecks.take(serial: waiting.serial) else {
            return .failure(ProtocolError(code: .invalidState, message: "The time for the double check ran out; the infusion was not started."))
        }
        taken.timer?.cancel()
        // The session opens now, in the starter's name, with the verifier's check as its first event after the
        // program: the report shows both.
        return openSession(taken.start, actor: taken.starter, verifiedBy: actor)
    }

    /// `stop` while waiting: the start is abandoned, nothing was delivered.
    func cancelDoubleCheck(actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        guard let taken = doubleChecks.take() else { return .success(.status(statusReport())) }
        taken.timer?.cancel()
        abandon(taken, actor: actor, reason: "Stopped by \(actor.name) before the independent double check.")
        return .success(.status(statusReport()))
    }

    /// The timeout: nobody verified in time; the start is abandoned.
    func expireDoubleCheck(_ serial: Int) {
        guard let taken = doubleChecks.take(serial: serial) else { return }
        abandon(taken, actor: JournalActor(name: "pumpd"),
                reason: "No independent double check within \(String(format: "%g", configuration.doubleCheckTimeoutMin)) min; the infusion was not started.")
    }

    private func abandon(_ pending: PendingDoubleCheck, actor: JournalActor, reason: String) {
        metrics?.requestWrite()
        journalCheck(actor, reason, details: JournalRecorder.json(["stage": "abandoned", "reason": reason, "started_by": pending.starter.name]))
    }

    /// A double-check event before any session is open (none belongs to it yet).
    private func journalCheck(_ actor: JournalActor, _ summary: String, details: Data) {
        guard let journal else { return }
        do {
            try journal.append(JournalEvent(kind: .doubleCheck, session: nil, actor: actor, monotonic: scheduler.now(),
                                            wall: wallClock(), summary: summary, details: details))
        } catch {
            journalFailed(error)
        }
    }

    /// The status with the wait for the double check: state `awaiting-check` and who started it, until when.
    func withDoubleCheck(_ report: StatusReport, monotonicNow: MonotonicInstant, wallNow: Date) -> StatusReport {
        guard let waiting = doubleChecks.pending else { return report }
        var report = report
        report.state = .awaitingCheck
        let plan = waiting.start.plan
        report.drug = plan.drug
        report.profile = Profile(rawValue: plan.profileID)
        report.patientId = waiting.start.parameters.patientId
        report.dosingWeightKg = plan.dosingWeight.value
        report.concentrationMgPerMl = plan.concentration.value
        report.syringe = plan.syringe.id
        report.sessionId = nil
        report.deliveredMg = 0
        report.deliveredMl = 0
        report.targetMg = plan.totalDose.value
        report.targetMl = plan.volume.value
        report.doubleCheck = DoubleCheckDTO(
            startedBy: waiting.starter.name, startedByUid: waiting.starter.uid ?? 0,
            expiresAt: wallNow.addingTimeInterval(max(0, (waiting.deadline - monotonicNow).seconds) / scheduler.speed))
        return report
    }
}
