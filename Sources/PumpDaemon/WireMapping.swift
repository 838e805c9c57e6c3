// Conversions between the kernel's typed values and the protocol's wire types. Monotonic instants become
// wall-clock dates only here, for display (HAZ-012): wall = wallNow − (monotonicNow − instant) / speed, where
// `speed` is the simulator's time factor (1 on real hardware). Durations (elapsed, remaining) stay in the
// pump's own (virtual, when simulated) seconds.
import Foundation
import PumpControl
import PumpCore
import PumpProtocol

enum WireMapping {
    /// A wire request's start parameters as a kernel program request.
    static func programRequest(_ p: StartParameters) -> ProgramRequest {
        ProgramRequest(
            drug: p.drug, profile: p.profile.rawValue,
            patient: PatientInfo(
                weight: Kilograms(p.weightKg), height: p.heightCm.map(Centimeters.init),
                sex: p.sex.flatMap { PumpCore.Sex(rawValue: $0.rawValue) },
                basis: p.dosingWeight.flatMap { PumpCore.DosingWeightBasis(rawValue: $0.rawValue) } ?? .actual,
                patientID: p.patientId),
            dosePerKg: p.doseMgPerKg.map(MilligramsPerKilogram.init),
            doseRate: p.rateMgPerKgPerH.map(MilligramsPerKilogramPerHour.init),
            duration: p.durationMin.map(Minutes.init), concentration: MilligramsPerMilliliter(p.concentrationMgPerMl),
            syringeID: p.syringe, overrideReason: p.overrideReason, fillVolume: p.fillMl.map(Milliliters.init))
    }

    static func finding(_ finding: Finding) -> FindingDTO {
        let kind: PumpProtocol.FindingKind = switch finding.kind {
        case .warning: .warning
        case .softLimit: .softLimit
        case .hardLimit: .hardLimit
        }
        return FindingDTO(kind: kind, limit: finding.limit, message: finding.message)
    }

    /// The program as shown for confirmation. `remaining` is the time the plan still needs from now.
    static func summary(_ plan: DosePlan, findings: [Finding], remaining: Minutes, wallNow: Date, speed: Double = 1) -> ProgramSummary {
        ProgramSummary(
            drug: plan.drug, profile: Profile(rawValue: plan.profileID) ?? .mood,
            actualWeightKg: plan.patient.weight.value, dosingWeightKg: plan.dosingWeight.value,
            dosingWeightBasis: PumpProtocol.DosingWeightBasis(rawValue: plan.dosingWeightBasis.rawValue) ?? .actual,
            doseMgPerKg: plan.dosePerKg.value, totalMg: plan.totalDose.value, volumeMl: plan.volume.value,
            rateMlPerH: plan.nominalRate.value, rateMgPerKgPerH: plan.nominalDoseRate.value,
            durationMin: plan.duration.value, expectedEnd: wallNow.addingTimeInterval(remaining.value * 60 / speed),
            syringe: plan.syringe.id, concentrationMgPerMl: plan.concentration.value, verdict: .accepted,
            findings: findings.map(finding),
            overrides: plan.overrides.map { OverrideDTO(limit: $0.limit, reason: $0.reason) },
            steps: Int(plan.targetSteps.count))  // checked: Int64 → Int, same width on the 64-bit targets
    }

    static func alarm(_ alarm: Alarm, monotonicNow: MonotonicInstant, wallNow: Date, speed: Double = 1,
                      signal: AlarmSignalStatus = .init()) -> AlarmDTO {
        let base: AlarmPriorityDTO = switch alarm.priority {
        case .high: .high
        case .medium: .medium
        case .low: .low
        }
        let priority: AlarmPriorityDTO = signal.escalated ? .high : base
        var dto = AlarmDTO(code: alarm.code.rawValue, priority: priority, message: alarm.message,
                           raisedAt: alarm.originalWallTime
                               ?? wallNow.addingTimeInterval(-(monotonicNow - alarm.raisedAt).seconds / speed))
        if alarm.isFromBeforeRestart { dto.fromBeforeRestart = true }
        dto.escalated = signal.escalated
        dto.audioPausedUntil = signal.audioPausedUntil.map { wallNow.addingTimeInterval(($0 - monotonicNow).seconds / speed) }
        return dto
    }

    /// The status report. `uncertainty` is the recovered-session volume that may or may not have been
    /// delivered before a restart; the engine counts it as delivered (worst case), the report shows the
    /// known amount and the uncertainty separately.
    static func status(
        _ status: EngineStatus, sessionID: String?, backend: BackendKind, uncertainty: Steps,
        monotonicNow: MonotonicInstant, wallNow: Date, speed: Double = 1,
        plasma: (NanogramsPerMilliliter, PlasmaConcentrationModel)? = nil, vitals: VitalsDTO? = nil,
        alarmAnchor: (wall: Date, monotonic: MonotonicInstant)? = nil,
        simBuzzerAudible: Bool? = nil
    ) -> StatusReport {
        // An alarm's wall time is mapped through one fixed (wall, monotonic) anchor when given, so the same alarm
        // shows the same raised_at in every status (two clocks sampled per call jitter by milliseconds, and a
        // client keyed on it rang the bell again).
        let alarmMono = alarmAnchor?.monotonic ?? monotonicNow, alarmWall = alarmAnchor?.wall ?? wallNow
        let session = status.session
        let geometry = session?.geometry
        let concentration = session?.concentration ?? .zero
        let knownSteps = Steps(max(0, status.deliveredSteps.count - uncertainty.count))
        let knownVolume = geometry?.volume(for: knownSteps) ?? .zero
        let uncertaintyVolume = geometry?.volume(for: uncertainty) ?? .zero
        var report = StatusReport(
            state: PumpStateDTO(rawValue: status.state.rawValue) ?? .idle,
            drug: session?.drug, profile: session.flatMap { Profile(rawValue: $0.profile) },
            patientId: session?.patientID, dosingWeightKg: session?.dosingWeight.value,
            concentrationMgPerMl: session?.concentration.value, syringe: geometry?.syringe.id,
            sessionId: sessionID, backend: backend == .sim ? .sim : .gpiod,
            deliveredMg: (knownVolume * concentration).value, deliveredMl: knownVolume.value,
            deliveredUncertaintyMl: uncertaintyVolume.value,
            targetMg: session?.targetDose.value ?? 0, targetMl: session?.targetVolume.value ?? 0,
            targetSteps: session.map { Int($0.targetSteps.count) },  // checked: Int64 → Int, same width on the 64-bit targets
            deliveredSteps: session.map { _ in Int(status.deliveredSteps.count) },  // checked: Int64 → Int, same width on the 64-bit targets
            rateMlPerH: status.rate.value, rateMgPerKgPerH: status.doseRate.value,
            elapsedS: status.elapsed.seconds, remainingS: max(0, status.remaining?.seconds ?? 0),
            expectedEnd: status.remaining.map { wallNow.addingTimeInterval(max(0, $0.seconds) / speed) },
            motorEnabled: status.motorEnabled,
            alarms: status.alarms.map {
                alarm($0, monotonicNow: alarmMono, wallNow: alarmWall, speed: speed, signal: status.alarmSignals[$0.code] ?? .init())
            },
            plasmaNgPerMl: plasma.map { $0.0.value }, plasmaModel: plasma?.1.id,
            plasmaLabel: plasma.map { _ in PlasmaConcentrationModel.estimateLabel }, vitals: vitals)
        report.audioPaused = status.audioPaused
        report.simBuzzerAudible = simBuzzerAudible
        report.syringeVolumeLeftMl = status.syringeVolumeLeft?.value
        report.syringeIndex = session?.syringe.index
        return report
    }
}
