// Vital signs in the daemon (HAZ-015): readings from `pumpctl vitals`, a monitor bridge or the simulated
// monitor go through one path — plausibility check, the engine's interlock, the journal (with the peer's
// credentials) — and the pre-start check adds its findings to a program. The plasma estimate's model
// choice lives here too.
import Foundation
import PumpControl
import PumpCore
import PumpJournal
import PumpProtocol

extension PumpService {
    /// The actor the simulated monitor's readings are journaled under.
    static let simulatedMonitorActor = JournalActor(uid: nil, gid: nil, pid: nil, name: "simulated-monitor")

    /// The vital-sign limits for `drug` (library values, staleness overridden by the configuration).
    func vitalThresholds(forDrug drug: String?) -> VitalSignThresholds {
        var thresholds = drug.flatMap { planner.drugs.drug(named: $0)?.vitalSigns }
            ?? planner.drugs.drugs.first?.vitalSigns ?? .provisionalDefaults
        if let stale = configuration.vitalsStaleMin { thresholds.staleAfter = Minutes(stale) }
        return thresholds
    }

    /// The plasma model for `drug`: the configuration's choice, else the drug library's, else Clements & Nimmo.
    func plasmaModel(forDrug drug: String) -> PlasmaConcentrationModel {
        configuration.plasmaModel.flatMap(PlasmaConcentrationModel.named)
            ?? planner.drugs.drug(named: drug)?.plasmaModelID.flatMap(PlasmaConcentrationModel.named)
            ?? .standard
    }

    /// `vitals` from the socket: the reading is stamped on receipt.
    func vitals(_ parameters: VitalsParameters, actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        let source: VitalsSource = parameters.source == .monitor ? .monitor : .manual
        let reading = VitalSigns(
            systolic: MillimetersOfMercury(parameters.sbpMmHg), diastolic: MillimetersOfMercury(parameters.dbpMmHg),
            heartRate: BeatsPerMinute(parameters.hrBpm), oxygenSaturation: OxygenSaturation(parameters.spo2Percent),
            measuredAt: scheduler.now(), source: source)
        if let problem = reading.implausibility {
            writeEvent(.vitalsDecision, actor: actor, "Vital signs refused: \(problem)",
                       details: VitalsDecisionRecord(decision: "reading-refused", limits: [], message: problem).encoded)
            return .failure(ProtocolError(code: .refused, message: problem))
        }
        acceptVitals(reading, actor: actor)
        return .success(.status(statusReport()))
    }

    /// Records a plausible reading: engine interlock first (it may stop delivery at once), then the journal.
    @discardableResult
    func acceptVitals(_ reading: VitalSigns, actor: JournalActor) -> VitalsAssessment {
        let (assessment, signedOff) = scheduler.syncOnControl { (engine.recordVitals(reading), engine.vitalsWatch.thresholds.clinicallySignedOff) }
        let decision = assessment.paused ? "paused"
            : assessment.breaches.isEmpty ? "in-range" : "out-of-range-not-infusing"
        let record = VitalsJournalRecord(reading, breaches: assessment.breaches, pumpState: assessment.state.rawValue,
                                         decision: decision, limitsSignedOff: signedOff)
        writeEvent(.vitals, actor: actor, "Vital signs from \(actor.name) (\(reading.source.rawValue)): \(reading.summary).",
                   details: record.encoded)
        if assessment.paused {
            let message = "Vital-sign interlock paused the infusion: \(assessment.breaches.map(\.message).joined(separator: " "))"
            writeEvent(.vitalsDecision, actor: actor, message,
                       details: VitalsDecisionRecord(decision: "paused", limits: assessment.breaches.map(\.limitID), message: message).encoded)
        }
        return assessment
    }

    /// The pre-start findings for a program of `drug` from the newest reading.
    func preStartVitalsFindings(drug: String) -> [Finding] {
        let thresholds = vitalThresholds(forDrug: drug)
        let (latest, now) = scheduler.syncOnControl { (engine.vitalsWatch.latest, scheduler.now()) }
        return VitalsInterlock.preStartFindings(latest: latest, now: now, thresholds)
    }

    /// The newest reading for `status`.
    func vitalsReport(latest: VitalSigns?, thresholds: VitalSignThresholds, monotonicNow: MonotonicInstant, wallNow: Date) -> VitalsDTO? {
        guard let latest else { return nil }
        let source: VitalsSourceDTO = switch latest.source {
        case .manual: .manual
        case .monitor: .monitor
        case .simulator: .simulator
        }
        let age = monotonicNow - latest.measuredAt
        return VitalsDTO(
            sbpMmHg: latest.systolic.value, dbpMmHg: latest.diastolic.value, hrBpm: latest.heartRate.value,
            spo2Percent: latest.oxygenSaturation.value, source: source,
            measuredAt: wallNow.addingTimeInterval(-age.seconds / scheduler.speed), ageS: age.seconds,
            stale: !VitalsInterlock.isFresh(latest, now: monotonicNow, thresholds),
            outOfRange: VitalsInterlock.pauseBreaches(latest, thresholds).map(\.limitID))
    }

    /// Starts the simulated monitor's reading cycle (sim backend with `sim_vitals`).
    func startSimulatedMonitor() {
        guard let monitor = simulatedMonitor else { return }
        let scheduler = self.scheduler
        func cycle() {
            scheduler.schedule(at: scheduler.now() + monitor.interval) { [weak self] in
                guard let self else { return }
                let now = scheduler.now()
                self.observePatient(self.engine.status(), at: now)
                let reading = monitor.reading(at: now)
                self.commandQueue.async { self.acceptVitals(reading, actor: Self.simulatedMonitorActor) }
                cycle()
            }
        }
        cycle()
    }

    /// Feeds the simulated patient with the delivered dose per kg of actual body weight (control queue).
    func observePatient(_ status: EngineStatus, at instant: MonotonicInstant) {
        guard let monitor = simulatedMonitor, let weight = activeSession.plan?.patient.weight, weight.value > 0 else { return }
        monitor.observe(deliveredDosePerKg: status.deliveredDose / weight, at: instant)
    }
}
